package ai.soul.edge.ratelimit;

import ai.soul.edge.tier.TierLimits;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MongoDB proxy manager against a real MongoDB wire-protocol server (mongo-java-server), each
 * "instance" with a driver of its own, as two API processes would have.
 */
class MongoProxyManagerTest {

    static final ClientSideConfig CONFIG = ClientSideConfig.getDefault()
            .withExpirationAfterWriteStrategy(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)));
    static final RateLimitWindows WINDOWS = new RateLimitWindows(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1));

    MongoServer server;
    final List<MongoClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        clients.forEach(MongoClient::close);
        server.shutdownNow();
    }

    /** A collection as one instance sees it: its own client and connections. */
    MongoCollection<Document> instance() {
        MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        clients.add(client);
        return client.getDatabase("soul").getCollection("rate_limits").withTimeout(2, TimeUnit.SECONDS);
    }

    static BucketConfiguration perHour(long quota) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(quota).refillIntervally(quota, Duration.ofHours(1)).build()).build();
    }

    @Test
    void twoInstancesShareOneBucket() {
        var first = new MongoProxyManager(instance(), CONFIG);
        var second = new MongoProxyManager(instance(), CONFIG);
        for (int i = 0; i < 5; i++) {
            assertThat(first.builder().build("account:a", () -> perHour(10)).tryConsume(1)).isTrue();
            assertThat(second.builder().build("account:a", () -> perHour(10)).tryConsume(1)).isTrue();
        }
        assertThat(first.builder().build("account:a", () -> perHour(10)).tryConsume(1)).isFalse();
        assertThat(second.builder().build("account:a", () -> perHour(10)).tryConsume(1)).isFalse();
        // another key has a bucket of its own
        assertThat(second.builder().build("account:b", () -> perHour(10)).getAvailableTokens()).isEqualTo(10);

        Document stored = instance().find(new Document("_id", "account:a")).first();
        assertThat(stored.getLong("version")).isEqualTo(10L);
        assertThat(stored.getDate("expiresAt")).isAfter(new java.util.Date());
    }

    @Test
    void parallelClientsOnTwoInstancesGetExactlyTheQuotaEvenWhileTheBucketIsCreated() throws Exception {
        var managers = List.of(new MongoProxyManager(instance(), CONFIG), new MongoProxyManager(instance(), CONFIG));
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            var manager = managers.get(t % 2);
            results.add(pool.submit((Callable<Integer>) () -> {
                go.await();
                int allowed = 0;
                for (int i = 0; i < 5; i++) {
                    if (manager.builder().build("account:race", () -> perHour(40)).tryConsume(1)) allowed++;
                }
                return allowed;
            }));
        }
        go.countDown();
        int allowed = 0;
        for (Future<Integer> result : results) allowed += result.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(allowed).isEqualTo(40);
        assertThat(managers.get(0).builder().build("account:race", () -> perHour(40)).getAvailableTokens()).isZero();
    }

    @Test
    void windowsAlignToTheClockAndTheTightestComesFirst() {
        var limiter = new RateLimiter(new MongoProxyManager(instance(), CONFIG), WINDOWS);
        var limits = new TierLimits.Limits(5L, 30L, 100L);
        RateLimiter.Decision decision = limiter.consume("account:c", limits);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.quotas()).extracting(RateLimiter.Quota::name).containsExactly("minute", "hour", "day");
        assertThat(decision.quotas()).extracting(RateLimiter.Quota::remaining).containsExactly(4L, 29L, 99L);
        RateLimiter.Quota minute = decision.tightest();
        assertThat(minute.resetAt().getEpochSecond() % 60).isZero();
        assertThat(minute.resetAt()).isAfter(decision.now()).isBeforeOrEqualTo(decision.now().plusSeconds(60));
        assertThat(decision.quotas().get(2).resetAt().getEpochSecond() % 86400).isZero();

        // a tier whose hour is the tightest
        var hourly = new TierLimits.Limits(100L, 2L, null);
        assertThat(limiter.consume("account:d", hourly).tightest().name()).isEqualTo("hour");
        assertThat(limiter.consume("account:d", hourly).allowed()).isTrue();
        RateLimiter.Decision refused = limiter.consume("account:d", hourly);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.tightest()).extracting(RateLimiter.Quota::name, RateLimiter.Quota::limit, RateLimiter.Quota::remaining)
                .containsExactly("hour", 2L, 0L);
        assertThat(refused.tightest().resetAt().getEpochSecond() % 3600).isZero();
    }

    /** Day windows: these tests take milliseconds, but a window may end in the middle of one that uses minutes. */
    @Test
    void aTierChangeTakesTheNewLimitsAndKeepsWhatWasUsed() {
        var limiter = new RateLimiter(new MongoProxyManager(instance(), CONFIG), WINDOWS);
        var free = new TierLimits.Limits(null, 30L, 3L);
        var pro = new TierLimits.Limits(null, null, 10L);
        for (int i = 0; i < 3; i++) assertThat(limiter.consume("account:e", free).allowed()).isTrue();
        assertThat(limiter.consume("account:e", free).allowed()).isFalse();

        // upgraded: the three used today still count, against the new quota; the hour window is gone
        RateLimiter.Decision upgraded = limiter.consume("account:e", pro);
        assertThat(upgraded.allowed()).isTrue();
        assertThat(upgraded.quotas()).extracting(RateLimiter.Quota::name, RateLimiter.Quota::limit, RateLimiter.Quota::remaining)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("day", 10L, 6L));

        // downgraded again: what is left is at most the new quota (Bucket4j's ADDITIVE inheritance)
        RateLimiter.Decision downgraded = limiter.consume("account:e", free);
        assertThat(downgraded.allowed()).isTrue();
        assertThat(downgraded.tightest()).extracting(RateLimiter.Quota::name, RateLimiter.Quota::limit, RateLimiter.Quota::remaining)
                .containsExactly("day", 3L, 3L);
        for (int i = 0; i < 3; i++) assertThat(limiter.consume("account:e", free).allowed()).isTrue();
        assertThat(limiter.consume("account:e", free).allowed()).isFalse();
    }

    @Test
    void whenMongoDbDoesNotAnswerEachInstanceLimitsOnItsOwn() {
        MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        clients.add(client);
        var buckets = client.getDatabase("soul").getCollection("rate_limits").withTimeout(300, TimeUnit.MILLISECONDS);
        var limiter = new RateLimiter(new MongoProxyManager(buckets, CONFIG), WINDOWS);
        var limits = new TierLimits.Limits(null, null, 3L);
        assertThat(limiter.consume("address:1.2.3.4", limits).allowed()).isTrue();
        server.shutdownNow();
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) assertThat(limiter.consume("address:1.2.3.4", limits).allowed()).isTrue();
        RateLimiter.Decision refused = limiter.consume("address:1.2.3.4", limits);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.tightest().limit()).isEqualTo(3L);
        // each call waits for the store at most its timeout
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theStartOfTheWindowsIsAUtcMidnight() {
        assertThat(RateLimiter.ORIGIN.getEpochSecond() % 86400).isZero();
        assertThat(RateLimiter.ORIGIN).isBefore(Instant.now());
    }

    /**
     * The requests' timeout is short (a rate limit must not hold a request up); the indexes made at
     * start-up are not bound by it: a machine busy enough to miss it failed to start.
     */
    @Test
    void theIndexesAreMadeWhateverTheRequestTimeout() {
        MongoCollection<Document> impatient = instance().withTimeout(1, TimeUnit.MILLISECONDS);
        new MongoProxyManager(impatient, CONFIG);
        List<String> indexes = new ArrayList<>();
        instance().listIndexes().forEach(index -> indexes.add(index.getString("name")));
        assertThat(indexes).contains("expiresAt_1", "_id_1_version_1");
    }

    /** The login throttle's budgets: failures come back one at a time, and giving one back never makes more than there were. */
    @Test
    void aBudgetRefusesWhenSpentSaysHowLongToWaitAndTakesBackWhatWasTaken() {
        var limiter = new RateLimiter(new MongoProxyManager(instance(), CONFIG), WINDOWS);
        var budget = new RateLimiter.Budget(3, Duration.ofMinutes(3));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take("login-account:a", budget).taken()).isTrue();
        }
        RateLimiter.Take refused = limiter.take("login-account:a", budget);
        assertThat(refused.taken()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(budget.refillEach());
        // a refusal took nothing: giving one back lets exactly one more in
        limiter.giveBack("login-account:a", budget);
        assertThat(limiter.take("login-account:a", budget).taken()).isTrue();
        assertThat(limiter.take("login-account:a", budget).taken()).isFalse();

        // a full budget stays full when given back to
        limiter.giveBack("login-account:b", budget);
        limiter.giveBack("login-account:b", budget);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take("login-account:b", budget).taken()).isTrue();
        }
        assertThat(limiter.take("login-account:b", budget).taken()).isFalse();
    }
}
