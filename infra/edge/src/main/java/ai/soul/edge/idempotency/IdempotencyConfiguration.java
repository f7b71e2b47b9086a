package ai.soul.edge.idempotency;

import ai.soul.edge.EdgeFilters;
import com.mongodb.client.MongoDatabase;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/** {@code Idempotency-Key} on every write, kept in the read-model database. */
@Configuration(proxyBeanMethods = false)
public class IdempotencyConfiguration {

    @Bean
    public FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(MongoDatabase readModels,
                                                                       @Value("${soul.idempotency.ttl:24h}") Duration ttl,
                                                                       @Value("${soul.idempotency.lease:2m}") Duration lease,
                                                                       @Value("${soul.idempotency.wait:30s}") Duration wait) {
        return EdgeFilters.IDEMPOTENCY.register(new IdempotencyFilter(readModels.getCollection("idempotency_keys"),
                ttl, lease, wait, Clock.systemUTC()));
    }
}
