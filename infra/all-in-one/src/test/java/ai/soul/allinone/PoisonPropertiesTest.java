package ai.soul.allinone;

import ai.soul.allinone.BadInputGenerator.Fixtures;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * Property (issue 10, "poison" fault round): whatever odd request the API accepts goes through the
 * whole pipeline (event store, Kafka, read models, search, usage, summaries, replies, exports) and
 * no consumer fails on it: afterwards nothing is parked, the health is ok, and another account's
 * ordinary write reads back at once. The requests come from {@link BadInputGenerator#acceptable}
 * (odd unicode everywhere, odd metadata keys and numbers, deep nesting, texts at their limits).
 * {@code -Dsoul.poison.tries} (default 60) and {@code -Dsoul.poison.seed}; the report goes to
 * {@code target/poison-report.txt}.
 */
class PoisonPropertiesTest {

    static final String DEFAULT_SEED = "20261203";
    static final int DEFAULT_TRIES = 60;

    static Path dataDir;
    static AllInOneSystem system;
    static Api api;
    static BadInputClient client;
    static Fixtures fixtures;
    static final Map<Integer, AtomicInteger> statuses = new TreeMap<>();
    static final List<String> serverErrors = new ArrayList<>();
    static final Map<String, AtomicInteger> refusals = new TreeMap<>();

    /** "422 title: must be valid Unicode…": what refused it, without the values. */
    static String reason(BadInputClient.Response response) {
        try {
            JsonNode error = Api.JSON.readTree(response.text()).get("error");
            JsonNode fields = error.at("/details/fields");
            if (fields.isObject() && !fields.isEmpty()) {
                var first = fields.properties().iterator().next();
                String field = first.getKey().replaceAll("\\[\\d+]", "[i]").replaceAll("^metadata\\..*", "metadata");
                return response.status() + " " + field + ": " + BadInputRequest.cut(first.getValue().get(0).asString()
                        .replaceAll("'[^']*'", "'…'").replaceAll("metadata\\.\\S*", "metadata.…"), 80);
            }
            return response.status() + " " + BadInputRequest.cut(error.get("message").asString().replaceAll("\\d+", "N"), 80);
        } catch (RuntimeException notJson) {
            return response.status() + " (no envelope)";
        }
    }

    @BeforeContainer
    static void startSystem() throws IOException {
        dataDir = Files.createTempDirectory("soul-poison-");
        system = AllInOneSystem.start(dataDir, 0, Map.of(), "--management.endpoints.web.exposure.include=health,parked-events");
        api = new Api("http://localhost:" + system.port());
        client = new BadInputClient(system.port());
        String email = "poison-a-" + UUID.randomUUID() + "@example.com";
        String key = api.register(email);
        String own = api.post("/v1/conversations", key, "{\"title\": \"Own conversation\"}").body().get("id").asString();
        fixtures = new Fixtures(key, email, own, own, own);
    }

    @AfterContainer
    static void stopSystem() {
        if (system != null) system.close();
    }

    @Property(shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(Campaign.class)
    void whatTheApiAcceptsEveryConsumerStores(@ForAll("oddRequests") BadInputRequest request) {
        BadInputClient.Response response = client.send(request);
        statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
        if (response.status() >= 400 && response.status() < 500) {
            refusals.computeIfAbsent(reason(response), r -> new AtomicInteger()).incrementAndGet();
        }
        if (response.failure() != null || response.status() >= 500) {
            serverErrors.add(response.status() + " " + response.failure() + " for " + request);
        }
    }

    @Provide
    Arbitrary<BadInputRequest> oddRequests() {
        return Arbitraries.randomValue(random -> BadInputGenerator.acceptable(random, fixtures));
    }

    /** After the last try: the pipeline settles, nothing is parked, another account reads its write at once. */
    static class Campaign implements AroundPropertyHook {

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            int tries = Integer.getInteger("soul.poison.tries", DEFAULT_TRIES);
            String seed = System.getProperty("soul.poison.seed", DEFAULT_SEED);
            context.attributes().setTries(tries);
            context.attributes().setSeed(seed);
            System.out.println("poison: seed " + seed + ", tries " + tries + " (replay with -Dsoul.poison.seed=" + seed + ")");
            PropertyExecutionResult result = property.execute();
            String failure = verdict();
            if (result.status() != PropertyExecutionResult.Status.SUCCESSFUL || failure == null) {
                return result;
            }
            return result.mapToFailed(new AssertionError(failure));
        }
    }

    static String verdict() {
        StringBuilder report = new StringBuilder("poison round: answers by status " + statuses + "\n");
        refusals.forEach((reason, count) -> report.append("  refused ").append(count).append("× ").append(reason).append('\n'));
        // another account's ordinary write, read back by its writer: visible within the usual read-your-writes wait
        String other = api.register("poison-b-" + UUID.randomUUID() + "@example.com");
        long start = System.nanoTime();
        Api.Response created = api.post("/v1/conversations", other, "{\"title\": \"An ordinary write\"}");
        Api.Response read = api.get("/v1/conversations/" + created.body().get("id").asString(), other);
        long visibleMs = (System.nanoTime() - start) / 1_000_000;
        report.append("another account's write: ").append(created.status()).append(", read back ").append(read.status())
                .append(" after ").append(visibleMs).append(" ms\n");
        // every consumer has caught up with everything accepted: the summaries of the odd conversations are written
        await("the odd conversations summarised").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                api.get("/v1/conversations?status=processing", fixtures.key()).body().at("/meta/total").asLong() == 0);
        JsonNode parked = api.get("/actuator/parked-events", null).body();
        report.append("parked events: ").append(parked.get("total").asLong()).append('\n');
        parked.get("events").forEach(e -> report.append("  ").append(e.get("projection").asString()).append(' ')
                .append(e.get("type").asString()).append(' ').append(e.get("error").asString()).append('\n'));
        String health = api.get("/v1/health", null).body().get("status").asString();
        report.append("health: ").append(health).append('\n');
        serverErrors.forEach(e -> report.append("5xx: ").append(BadInputRequest.cut(e, 600)).append('\n'));
        try {
            Files.writeString(Path.of("target/poison-report.txt"), report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(report);
        if (!serverErrors.isEmpty()) return serverErrors.size() + " answers were 5xx or none:\n" + report;
        if (created.status() != 201 || read.status() != 200) return "another account's write was not read back:\n" + report;
        if (parked.get("total").asLong() > 0) return "the API accepted what a consumer could not apply:\n" + report;
        if (!health.equals("ok")) return "the health is " + health + ":\n" + report;
        return null;
    }
}
