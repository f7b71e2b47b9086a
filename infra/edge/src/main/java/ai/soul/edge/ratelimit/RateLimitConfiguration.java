package ai.soul.edge.ratelimit;

import ai.soul.edge.EdgeFilters;
import ai.soul.edge.tier.TierLimits;
import com.mongodb.client.MongoDatabase;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** How much a caller may ask: requests per window of its tier (per address without one), and requests at once. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({TierLimits.class, RateLimitWindows.class})
public class RateLimitConfiguration {

    /**
     * Buckets in the read-model database, shared by every instance. A call that MongoDB does not answer
     * within the timeout falls back to this instance's own buckets (see {@link RateLimiter}).
     */
    @Bean
    public RateLimiter rateLimiter(MongoDatabase readModels, RateLimitWindows windows,
                                   @Value("${soul.rate-limits.store-timeout}") Duration timeout) {
        var buckets = readModels.getCollection("rate_limits").withTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        // a bucket is removed (TTL index) once it would be full again: a missing bucket is created full
        var config = ClientSideConfig.getDefault().withExpirationAfterWriteStrategy(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)));
        return new RateLimiter(new MongoProxyManager(buckets, config), windows);
    }

    @Bean
    public FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimiter rateLimiter, TierLimits tiers) {
        return EdgeFilters.RATE_LIMIT.register(new RateLimitFilter(rateLimiter, tiers));
    }

    @Bean
    public FilterRegistrationBean<ConcurrencyLimitFilter> concurrencyLimitFilter(@Value("${soul.rate-limits.concurrent-requests}") int limit) {
        return EdgeFilters.CONCURRENCY_LIMIT.register(new ConcurrencyLimitFilter(limit));
    }
}
