package ai.soul.edge.ratelimit;

import ai.soul.edge.tier.TierLimits;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.MongoException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.VerboseBucket;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Takes one request from a key's bucket (an account's, or a client address's) and tells what is left in
 * each of its windows. One Bucket4j bucket per key, with a bandwidth per window (minute, hour, day) that
 * the limits set; a request passes only when every window has a token left, so the tightest wins.
 *
 * <p>Each window is a fixed window aligned to the clock: all its tokens come back at once when it ends
 * (a minute ends at :00, a day at midnight UTC), which is what {@code X-RateLimit-Reset} can then state.
 *
 * <p>The limits of an account follow its tier: when the stored bucket was made for other limits (the
 * tier changed), its configuration is replaced, keeping what was used in each window
 * ({@link TokensInheritanceStrategy#ADDITIVE}): an upgrade frees the difference at once, and after a
 * downgrade what is left is at most the new quota. (The caller's tier may be up to ApiKeyFilter's key
 * cache old; instances that briefly disagree replace back and forth without losing what was used.)
 *
 * <p>When MongoDB does not answer, requests are limited by buckets of this instance alone (the same
 * limits, per instance), and the shared buckets are used again as soon as MongoDB answers: the limiter
 * does not turn an outage of its store into an outage of the API (the write side does not need
 * MongoDB), yet no one is unlimited meanwhile.
 */
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    /** Where the windows start counting: a UTC midnight, so minutes, hours and days align to the clock. */
    static final Instant ORIGIN = Instant.parse("2020-01-01T00:00:00Z");

    /** One window after this request: its quota, what is left, when it starts again. */
    public record Quota(String name, long limit, long remaining, Duration window, Instant resetAt) {
    }

    /** Whether the request may pass, and its windows, the tightest first (the one that refuses, or the fewest left). */
    public record Decision(boolean allowed, List<Quota> quotas, Instant now) {
        public Quota tightest() {
            return quotas.get(0);
        }
    }

    private final ProxyManager<String> shared;
    private final RateLimitWindows windows;
    private final Map<TierLimits.Limits, BucketConfiguration> configurations = new ConcurrentHashMap<>();
    private final Map<Budget, BucketConfiguration> budgets = new ConcurrentHashMap<>();
    private final Cache<String, Bucket> local = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofDays(1)).build();
    private final AtomicBoolean degraded = new AtomicBoolean();
    /**
     * One proxy per bucket and configuration, kept so that Bucket4j's batching can work: requests to one
     * bucket that arrive while a compare-and-swap of it is under way are combined into the next one, so
     * concurrent requests of one account cost one MongoDB round trip instead of racing and retrying.
     * Batching changes no decision: every request still takes its own token.
     */
    private final Cache<String, BucketProxy> proxies = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    public RateLimiter(ProxyManager<String> shared, RateLimitWindows windows) {
        this.shared = shared;
        this.windows = windows;
    }

    /** Takes a token for {@code key} under {@code limits}; empty quotas when the limits set no window. */
    public Decision consume(String key, TierLimits.Limits limits) {
        BucketConfiguration configuration = configurations.computeIfAbsent(limits, this::configurationOf);
        if (configuration == null) {
            return new Decision(true, List.of(), Instant.now());
        }
        return decision(onBucket(key, configuration, bucket -> consume(bucket.asVerbose(), configuration)));
    }

    /**
     * A budget of attempts that comes back gradually rather than with a window's end: {@code capacity} at
     * once, then one every {@code window / capacity} (Bucket4j's greedy refill). So a key that has used it
     * up waits at most {@code window / capacity} for its next attempt.
     */
    public record Budget(long capacity, Duration window) {
        public Duration refillEach() {
            return window.dividedBy(capacity);
        }
    }

    /** Whether an attempt was taken from a budget, and when one is back if none was. */
    public record Take(boolean taken, Duration retryAfter) {
    }

    /** Takes one attempt of {@code key}'s budget. */
    public Take take(String key, Budget budget) {
        BucketConfiguration configuration = budgets.computeIfAbsent(budget, RateLimiter::configurationOf);
        ConsumptionProbe probe = onBucket(key, configuration, bucket -> bucket.tryConsumeAndReturnRemaining(1));
        return new Take(probe.isConsumed(), Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Gives back an attempt taken with {@link #take} (never more than the budget holds). */
    public void giveBack(String key, Budget budget) {
        BucketConfiguration configuration = budgets.computeIfAbsent(budget, RateLimiter::configurationOf);
        onBucket(key, configuration, bucket -> {
            bucket.addTokens(1);
            return null;
        });
    }

    /** The key's bucket shared by all instances, or this instance's own while MongoDB does not answer. */
    private <T> T onBucket(String key, BucketConfiguration configuration, Function<Bucket, T> operation) {
        try {
            BucketProxy bucket = proxies.get(key + "\n" + System.identityHashCode(configuration),
                    k -> shared.builder().withOptimization(Optimizations.batching()).build(key, () -> configuration));
            T result = operation.apply(bucket);
            if (degraded.compareAndSet(true, false)) {
                log.info("Rate limits: MongoDB answers again; buckets are shared by all instances again");
            }
            return result;
        } catch (RuntimeException e) {
            if (!fromMongo(e)) {
                throw e;
            }
            if (degraded.compareAndSet(false, true)) {
                log.warn("Rate limits: MongoDB does not answer ({}); limiting per instance until it does", e.toString());
            }
            return operation.apply(local.get(key, k -> localBucket(configuration)));
        }
    }

    private static BucketConfiguration configurationOf(Budget budget) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(budget.capacity()).refillGreedy(budget.capacity(), budget.window()).id("attempts").build())
                .build();
    }

    private static VerboseResult<ConsumptionProbe> consume(VerboseBucket bucket, BucketConfiguration configuration) {
        VerboseResult<ConsumptionProbe> result = bucket.tryConsumeAndReturnRemaining(1);
        if (result.getConfiguration().equals(configuration)) {
            return result;
        }
        // made for other limits: the tier changed
        var replaced = bucket.replaceConfiguration(configuration, TokensInheritanceStrategy.ADDITIVE);
        if (!result.getValue().isConsumed()) {
            return bucket.tryConsumeAndReturnRemaining(1);
        }
        // the request was taken (and stays counted) under the limits it met; report the new ones
        long remaining = Math.max(0, replaced.getDiagnostics().getAvailableTokens());
        return replaced.withValue(ConsumptionProbe.consumed(remaining, 0));
    }

    private Decision decision(VerboseResult<ConsumptionProbe> result) {
        long nowMillis = TimeUnit.NANOSECONDS.toMillis(result.getOperationTimeNanos());
        Bandwidth[] bandwidths = result.getConfiguration().getBandwidths();
        long[] available = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
        List<Quota> quotas = new ArrayList<>(bandwidths.length);
        for (int i = 0; i < bandwidths.length; i++) {
            long window = TimeUnit.NANOSECONDS.toMillis(bandwidths[i].getRefillPeriodNanos());
            long sinceOrigin = nowMillis - ORIGIN.toEpochMilli();
            Instant resetAt = Instant.ofEpochMilli(ORIGIN.toEpochMilli() + (sinceOrigin / window + 1) * window);
            quotas.add(new Quota(bandwidths[i].getId(), bandwidths[i].getCapacity(), Math.max(0, available[i]),
                    Duration.ofMillis(window), resetAt));
        }
        // the fewest left; among windows equally short, the one that ends last (when a refused request may pass)
        quotas.sort(Comparator.comparingLong(Quota::remaining).thenComparing(Quota::resetAt, Comparator.reverseOrder()));
        return new Decision(result.getValue().isConsumed(), List.copyOf(quotas), Instant.ofEpochMilli(nowMillis));
    }

    private BucketConfiguration configurationOf(TierLimits.Limits limits) {
        var builder = BucketConfiguration.builder();
        boolean any = false;
        any |= window(builder, "minute", limits.perMinute(), windows.minute());
        any |= window(builder, "hour", limits.perHour(), windows.hour());
        any |= window(builder, "day", limits.perDay(), windows.day());
        return any ? builder.build() : null;
    }

    private static boolean window(ConfigurationBuilder builder, String name, Long quota, Duration length) {
        if (quota == null) {
            return false;
        }
        builder.addLimit(Bandwidth.builder().capacity(quota).refillIntervallyAligned(quota, length, ORIGIN).id(name).build());
        return true;
    }

    private static Bucket localBucket(BucketConfiguration configuration) {
        var builder = Bucket.builder().withMillisecondPrecision();
        for (Bandwidth bandwidth : configuration.getBandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.build();
    }

    private static boolean fromMongo(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MongoException) {
                return true;
            }
        }
        return false;
    }
}
