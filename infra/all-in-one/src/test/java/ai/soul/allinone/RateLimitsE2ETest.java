package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rate limits over HTTP against the whole system, started with limits of its own:
 * <ul>
 *   <li>accounts get the tier {@code pro}, set to 1000 a "minute" and 40 a day, so the day is the tightest
 *   window and the quota the parallel clients race for;</li>
 *   <li>requests without an account: 3 a "minute" and 1000 an hour per client address, the minute the
 *   tightest, and the "minute" shortened to 4 seconds so a test sees it end.</li>
 * </ul>
 * The server trusts X-Forwarded-For from the local proxy address (server.forward-headers-strategy), so
 * each test is a client address of its own and no test eats another's allowance.
 */
class RateLimitsE2ETest {

    static final Duration MINUTE = Duration.ofSeconds(4);

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of(),
                "--server.forward-headers-strategy=native",
                "--soul.rate-limits.windows.minute=4s",
                "--soul.default-tier=pro",
                "--soul.tiers.pro.per-minute=1000",
                "--soul.tiers.pro.per-day=40",
                "--soul.rate-limits.public-endpoints.per-minute=3",
                "--soul.rate-limits.public-endpoints.per-hour=1000",
                "--soul.rate-limits.public-endpoints.per-day=100000",
                // the quota is what this class tests: requests running at once are not limited here
                "--soul.rate-limits.concurrent-requests=0",
                "--management.endpoints.web.exposure.include=health,tiers");
        api = new Api("http://localhost:" + system.port());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    static String newAddress() {
        return "10." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250) + "." + (1 + (int) (Math.random() * 250));
    }

    static Api.Response send(HttpRequest.Builder request, String address) {
        return api.send(request.header("X-Forwarded-For", address).build());
    }

    static Api.Response get(String path, String key, String address) {
        return send(api.request(path, key).GET(), address);
    }

    static Api.Response post(String path, String key, String address, String json) {
        return send(api.request(path, key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)), address);
    }

    /** A new account (registered from an address of its own) and its key. */
    static String register() {
        Api.Response r = post("/v1/auth/register", null, newAddress(),
                "{\"email\":\"limits-" + UUID.randomUUID() + "@example.com\",\"password\":\"correct horse battery\"}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.body().get("api_key").asString();
    }

    /** The account's limits: the day (40) is tightest; the policy lists every window in seconds. */
    static void assertAccountHeaders(Api.Response r, long remaining) {
        assertThat(r.header("X-RateLimit-Limit")).isEqualTo("40");
        assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Long.toString(remaining));
        long reset = Long.parseLong(r.header("X-RateLimit-Reset"));
        assertThat(reset % 86400).as("the day ends at midnight UTC").isZero();
        assertThat(reset).isBetween(Instant.now().getEpochSecond(), Instant.now().getEpochSecond() + 86400);
        assertThat(r.header("RateLimit-Policy")).isEqualTo("\"minute\";q=1000;w=4, \"day\";q=40;w=86400");
        assertThat(r.header("RateLimit")).matches("\"day\";r=" + remaining + ";t=\\d+, \"minute\";r=\\d+;t=[1-4]");
    }

    /** The per-address limits: 3 a (4-second) minute is the tightest. */
    static void assertAddressHeaders(Api.Response r, long remaining) {
        assertThat(r.header("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Long.toString(remaining));
        long reset = Long.parseLong(r.header("X-RateLimit-Reset"));
        assertThat(reset % 4).isZero();
        assertThat(reset).isBetween(Instant.now().getEpochSecond(), Instant.now().getEpochSecond() + 5);
        assertThat(r.header("RateLimit-Policy")).isEqualTo("\"minute\";q=3;w=4, \"hour\";q=1000;w=3600, \"day\";q=100000;w=86400");
        assertThat(r.header("RateLimit")).startsWith("\"minute\";r=" + remaining + ";t=");
    }

    @Test
    void everyAnswerOfAnAccountCarriesItsLimits() {
        String key = register();
        String address = newAddress();
        Api.Response created = post("/v1/conversations", key, address, "{\"title\": \"limits\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("id").asString()).isNotBlank();
        assertAccountHeaders(created, 39);

        Api.Response listed = get("/v1/conversations", key, address);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().get("data").get(0).get("title").asString()).isEqualTo("limits");
        assertAccountHeaders(listed, 38);

        Api.Response missing = get("/v1/conversations/conv_unknown", key, address);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().at("/error/code").asString()).isEqualTo("not_found");
        assertAccountHeaders(missing, 37);

        Api.Response invalid = post("/v1/conversations", key, address, "{\"title\": 5}");
        assertThat(invalid.status()).isBetween(400, 422);
        assertThat(invalid.body().at("/error/code").asString()).isIn("bad_request", "validation_error");
        assertAccountHeaders(invalid, 36);
    }

    @Test
    void requestsWithoutAnAccountAreLimitedPerClientAddress() {
        // the 3 a minute may start counting in one window and end in the next: start at a window's start,
        // and again if the four calls did not fit in one window (a slow machine)
        for (int attempt = 1; ; attempt++) {
            awaitTheStartOfAWindow();
            String address = newAddress();
            List<Api.Response> calls = List.of(get("/v1/health", null, address), get("/v1/models", "sk_not-a-key", address),
                    post("/v1/auth/register", null, address, "{\"email\":\"x-" + UUID.randomUUID() + "@example.com\",\"password\":\"short\"}"),
                    get("/v1/health", null, address));
            if (calls.stream().map(r -> r.header("X-RateLimit-Reset")).distinct().count() == 1 || attempt == 5) {
                checkAddressLimits(address, calls);
                return;
            }
        }
    }

    private static void checkAddressLimits(String address, List<Api.Response> calls) {
        Api.Response health = calls.get(0);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("status").asString()).isNotBlank();
        assertAddressHeaders(health, 2);

        Api.Response refusedKey = calls.get(1);
        assertThat(refusedKey.status()).isEqualTo(401);
        assertThat(refusedKey.body().at("/error/code").asString()).isEqualTo("unauthorized");
        assertAddressHeaders(refusedKey, 1);

        Api.Response invalid = calls.get(2);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().at("/error/code").asString()).isEqualTo("validation_error");
        assertAddressHeaders(invalid, 0);

        Api.Response limited = calls.get(3);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().at("/error/code").asString()).isEqualTo("rate_limited");
        assertThat(limited.body().at("/error/status").asInt()).isEqualTo(429);
        assertThat(limited.body().at("/error/details/rateLimit/limit").asLong()).isEqualTo(3);
        assertThat(limited.body().at("/error/details/rateLimit/remaining").asLong()).isZero();
        Instant resetAt = Instant.parse(limited.body().at("/error/details/rateLimit/resetAt").asString());
        assertThat(resetAt.getEpochSecond()).isEqualTo(Long.parseLong(limited.header("X-RateLimit-Reset")));
        assertThat(limited.body().at("/error/details/rateLimit/resetAt").asString()).endsWith("Z");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 4L);
        assertAddressHeaders(limited, 0);

        // another address is not limited by this one
        assertThat(get("/v1/health", null, newAddress()).status()).isEqualTo(200);
        // the public health of the actuator is limited per address like /v1/health (issue 10)
        Api.Response actuator = get("/actuator/health", null, address);
        assertThat(actuator.status()).isEqualTo(429);
        assertThat(actuator.header("X-RateLimit-Limit")).isEqualTo("3");

        // the window ends: the address may call again, with a full allowance less this call
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> get("/v1/health", null, address).status() == 200);
    }

    @Test
    void aRefusedRequestChangesNothing() {
        String key = register();
        String address = newAddress();
        String title = "limits-" + UUID.randomUUID();
        assertThat(post("/v1/conversations", key, address, "{\"title\": \"" + title + "-before\"}").status()).isEqualTo(201);
        var conversations = system.context().getBean("readModels", com.mongodb.client.MongoDatabase.class).getCollection("conversations");
        await().atMost(Duration.ofSeconds(30)).until(() -> conversations.countDocuments(new org.bson.Document("title", title + "-before")) == 1);
        // spend the rest of the day's 40
        for (int i = 1; i < 40; i++) {
            assertThat(get("/v1/conversations", key, address).status()).isEqualTo(200);
        }
        Api.Response refused = post("/v1/conversations", key, address, "{\"title\": \"" + title + "-refused\"}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("application/json");
        assertAccountHeaders(refused, 0);
        assertThat(refused.body().at("/error/details/rateLimit/limit").asLong()).isEqualTo(40);
        assertThat(refused.body().at("/error/details/rateLimit/remaining").asLong()).isZero();
        long reset = Long.parseLong(refused.header("X-RateLimit-Reset"));
        assertThat(Instant.parse(refused.body().at("/error/details/rateLimit/resetAt").asString()).getEpochSecond()).isEqualTo(reset);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(Instant.now().getEpochSecond() + retryAfter).isBetween(reset - 2, reset + 2);
        // the refused request reached no handler: no conversation, now or a moment later
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> conversations.countDocuments(new org.bson.Document("title", title + "-refused")) == 0);
        assertThat(get("/v1/conversations", key, address).status()).isEqualTo(429);
    }

    @Test
    void parallelClientsAgainstOneQuotaGetExactlyTheQuota() throws Exception {
        String key = register();
        int threads = 32;
        int each = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String address = newAddress();
            done.add(pool.submit((Callable<Void>) () -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    Api.Response r = get("/v1/conversations", key, address);
                    if (r.status() == 200) {
                        allowed.incrementAndGet();
                    } else {
                        assertThat(r.status()).isEqualTo(429);
                        assertThat(r.body().at("/error/code").asString()).isEqualTo("rate_limited");
                        limited.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(allowed.get()).isEqualTo(40);
        assertThat(limited.get()).isEqualTo(threads * each - 40);
    }

    /** Waits until a (4-second) minute window has just begun, so a few quick calls fall in one window. */
    static void awaitTheStartOfAWindow() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.currentTimeMillis() % MINUTE.toMillis() < 300);
    }

    /** An operator's tier change applies from the next request, and keeps what was used today. */
    @Test
    void aTierChangeAppliesFromTheNextRequest() {
        String address = newAddress();
        String key = register();
        Api.Response before = get("/v1/me", key, address);
        assertAccountHeaders(before, 39);
        String accountId = before.body().get("id").asString();

        Api.Response changed = post("/actuator/tiers/" + accountId, null, address, "{\"tier\":\"premium\"}");
        assertThat(changed.status()).as(changed.raw().body()).isEqualTo(200);

        // premium: 10 a (4-second) minute, 30 an hour, 60 a day: the minute is now the tightest
        Api.Response after = get("/v1/me", key, address);
        assertThat(after.body().get("tier").asString()).isEqualTo("premium");
        assertThat(after.header("X-RateLimit-Limit")).isEqualTo("10");
        assertThat(after.header("RateLimit-Policy")).isEqualTo("\"minute\";q=10;w=4, \"hour\";q=30;w=3600, \"day\";q=60;w=86400");
    }

    /** A login's access token draws on the same account bucket as the account's API key. */
    @Test
    void anAccessTokenAndAnApiKeyShareTheAccountsQuota() {
        String address = newAddress();
        String email = "limits-" + UUID.randomUUID() + "@example.com";
        Api.Response registered = post("/v1/auth/register", null, newAddress(),
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}");
        String key = registered.body().get("api_key").asString();
        Api.Response login = post("/v1/auth/login", null, newAddress(), "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}");
        assertThat(login.status()).as(login.raw().body()).isEqualTo(200);
        String token = login.body().get("token").asString();

        assertAccountHeaders(get("/v1/me", key, address), 39);
        assertAccountHeaders(get("/v1/me", token, address), 38);
        assertAccountHeaders(get("/v1/me", key, address), 37);
    }
}
