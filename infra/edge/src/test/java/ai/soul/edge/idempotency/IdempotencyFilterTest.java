package ai.soul.edge.idempotency;

import ai.soul.edge.auth.Caller;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two instances, each with its own MongoDB client, on one store of keys: what no single instance can show. */
class IdempotencyFilterTest {

    MongoServer server;
    final List<MongoClient> clients = new ArrayList<>();
    final ExecutorService pool = Executors.newFixedThreadPool(8);

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        clients.forEach(MongoClient::close);
        server.shutdownNow();
    }

    private IdempotencyFilter instance(Clock clock) {
        MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort()
                + "/?serverSelectionTimeoutMS=500&connectTimeoutMS=500");
        clients.add(client);
        MongoCollection<Document> keys = client.getDatabase("soul").getCollection("idempotency_keys");
        return new IdempotencyFilter(keys, Duration.ofHours(24), Duration.ofMinutes(2),
                Duration.ofSeconds(10), clock);
    }

    private static MockHttpServletResponse call(IdempotencyFilter filter, String key, String body, FilterChain chain) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/conversations");
        request.setAttribute(Caller.class.getName(), new Caller("usr_ada", "free", "key_1"));
        request.addHeader("Idempotency-Key", key);
        request.setContentType("application/json");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, chain);
        return response;
    }

    private static FilterChain creates(AtomicInteger effects, CountDownLatch release) {
        return (request, response) -> {
            request.getInputStream().readAllBytes();
            int n = effects.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ((HttpServletResponse) response).setStatus(201);
            response.setContentType("application/json");
            response.getOutputStream().write(("{\"id\":\"conv_" + n + "\"}").getBytes(StandardCharsets.UTF_8));
        };
    }

    @Test
    void parallelRepeatsOnTwoInstancesCauseOneEffectAndGetItsAnswer() throws Exception {
        IdempotencyFilter one = instance(Clock.systemUTC());
        IdempotencyFilter two = instance(Clock.systemUTC());
        AtomicInteger effects = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        FilterChain chain = creates(effects, release);

        List<Future<MockHttpServletResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            IdempotencyFilter filter = i % 2 == 0 ? one : two;
            answers.add(pool.submit(() -> call(filter, "k1", "{\"title\":\"t\"}", chain)));
        }
        // the first is held in its handler; the repeats on the other instance answer meanwhile, those on its own wait
        await().atMost(Duration.ofSeconds(10)).until(() -> effects.get() == 1 && answers.stream().filter(Future::isDone).count() >= 3);
        release.countDown();
        int created = 0;
        for (Future<MockHttpServletResponse> answer : answers) {
            MockHttpServletResponse r = answer.get(20, TimeUnit.SECONDS);
            if (r.getStatus() == 201) {
                created++;
                assertThat(r.getContentAsString()).isEqualTo("{\"id\":\"conv_1\"}");
            } else {
                assertThat(r.getStatus()).isEqualTo(409);
            }
        }
        assertThat(effects.get()).isEqualTo(1);
        assertThat(created).isGreaterThanOrEqualTo(1);

        // afterwards, on either instance: the first answer, marked as a replay
        for (IdempotencyFilter filter : List.of(one, two)) {
            MockHttpServletResponse replay = call(filter, "k1", "{\"title\":\"t\"}", chain);
            assertThat(replay.getStatus()).isEqualTo(201);
            assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replay.getContentAsString()).isEqualTo("{\"id\":\"conv_1\"}");
        }
        assertThat(effects.get()).isEqualTo(1);
    }

    @Test
    void anAnswerThatSaysTryAgainIsNotKeptAndAKeyIsFreeOnceItsTimeIsUp() throws Exception {
        Instant[] now = {Instant.parse("2026-12-03T10:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        IdempotencyFilter filter = instance(clock);
        AtomicInteger effects = new AtomicInteger();
        FilterChain unavailable = (request, response) -> {
            effects.incrementAndGet();
            ((HttpServletResponse) response).setStatus(503);
        };
        assertThat(call(filter, "k2", "{}", unavailable).getStatus()).isEqualTo(503);
        assertThat(call(filter, "k2", "{}", unavailable).getStatus()).isEqualTo(503);
        assertThat(effects.get()).isEqualTo(2);

        CountDownLatch open = new CountDownLatch(0);
        assertThat(call(filter, "k3", "{}", creates(effects, open)).getStatus()).isEqualTo(201);
        assertThat(call(filter, "k3", "{\"other\":1}", creates(effects, open)).getStatus()).isEqualTo(422);
        now[0] = now[0].plus(Duration.ofHours(24)).plusSeconds(1);
        MockHttpServletResponse fresh = call(filter, "k3", "{\"other\":1}", creates(effects, open));
        assertThat(fresh.getStatus()).isEqualTo(201);
        assertThat(fresh.getHeader("Idempotent-Replayed")).isNull();
        assertThat(effects.get()).isEqualTo(4);
    }

    @Test
    void withoutItsStoreAKeyedWriteIsRefusedAsUnavailableAndNotRun() throws Exception {
        IdempotencyFilter filter = instance(Clock.systemUTC());
        server.shutdownNow();
        AtomicInteger effects = new AtomicInteger();
        MockHttpServletResponse refused = call(filter, "k4", "{}", creates(effects, new CountDownLatch(0)));
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).contains("\"code\":\"service_unavailable\"");
        assertThat(effects.get()).isZero();
    }
}
