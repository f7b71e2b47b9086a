package ai.soul.allinone;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10's finding 1 over real HTTP, Kafka and MongoDB: what a projection cannot store never
 * stops the read side. The aggregate refuses what no consumer could store (422) or what Kafka could
 * not carry (413); a record that reaches the log anyway (an older version's, a foreign producer's)
 * is parked with its error, later records of its conversation wait behind it, and every other
 * account's writes stay visible, before and after a restart. An operator lists, retries and
 * discards parked records.
 */
class PoisonE2ETest {

    static final String[] ARGS = {"--management.endpoints.web.exposure.include=health,parked-events",
            "--soul.events.max-bytes=8000"};

    @TempDir
    Path data;

    @Test
    void whatNoConsumerCanStoreIsRefusedWhereTheCommandIsDecided() {
        try (AllInOneSystem system = AllInOneSystem.start(data, 0, Map.of(), ARGS)) {
            Api api = new Api("http://localhost:" + system.port());
            String key = api.register("refused-" + UUID.randomUUID() + "@example.com");
            for (String metadata : new String[]{
                    "{\"n\": 123456789012345678901234567890}",
                    "{\"a\\u0000b\": \"x\"}",
                    "{\"a\": {\"b.c\": 1}}",
                    "{\"a\": [{\"$set\": 1}]}",
                    "{\"n\": 1e400}",
                    "{\"s\": \"\\ud800\"}",
                    "{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": 1}}}}}}",
                    "{\"k\": \"" + "x".repeat(1_048_000) + "\"}"}) {
                Api.Response refused = api.post("/v1/conversations", key, "{\"title\": \"x\", \"metadata\": " + metadata + "}");
                assertThat(refused.status()).as(metadata.length() > 100 ? "a large value" : metadata).isEqualTo(422);
                assertThat(refused.body().at("/error/code").asString()).isEqualTo("validation_error");
                assertThat(refused.body().at("/error/details/fields/metadata").isArray()).isTrue();
            }
            // nested values every store takes are fine
            assertThat(api.post("/v1/conversations", key, "{\"title\": \"x\", \"metadata\": {\"a\": {\"b\": [1, 2.5, true, null, \"é😀\"]}}}")
                    .status()).isEqualTo(201);

            // an event over the configured bound (8,000 bytes here) is refused as a whole: nothing is recorded
            Api.Response tooLarge = api.post("/v1/conversations", key, "{\"title\": \"big\", \"content\": \"" + "y".repeat(9_000) + "\"}");
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body().at("/error/code").asString()).isEqualTo("payload_too_large");
            assertThat(tooLarge.body().at("/error/details/limit_bytes").asLong()).isEqualTo(8_000);
            assertThat(api.get("/v1/conversations", key).body().at("/meta/total").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aRecordNoProjectionCanApplyIsParkedAndTheReadSideGoesOn() {
        String keyA;
        String keyB;
        String poisoned;
        try (AllInOneSystem system = AllInOneSystem.start(data, 0, Map.of(), ARGS)) {
            Api api = new Api("http://localhost:" + system.port());
            keyA = api.register("poison-a-" + UUID.randomUUID() + "@example.com");
            keyB = api.register("poison-b-" + UUID.randomUUID() + "@example.com");
            poisoned = api.post("/v1/conversations", keyA, "{\"title\": \"Before the poison\"}").body().get("id").asString();
            // in the read models first (a read waits for its writer's writes): the record below may land on another
            // partition than the conversation's, and a change of a conversation the read models do not hold is ignored
            assertThat(api.get("/v1/conversations/" + poisoned, keyA).status()).isEqualTo(200);

            // what an older version or a foreign producer might have put on the log: a key no BSON document can
            // hold, and a record that is not a CloudEvent at all
            send(system, poisoned, ("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"urn:test\","
                    + "\"type\":\"soul.conversation.updated.v1\",\"subject\":\"" + poisoned + "\",\"time\":\"" + Instant.now()
                    + "\",\"datacontenttype\":\"application/json\",\"sequence\":1000,\"data\":{\"conversation_id\":\"" + poisoned
                    + "\",\"account_id\":\"usr_x\",\"title\":null,\"content\":null,\"metadata\":{\"a\\u0000b\":\"x\"},"
                    + "\"system_prompt\":null,\"llm_id\":null,\"agent_id\":null}}").getBytes(StandardCharsets.UTF_8));
            send(system, "conv_garbage", new byte[]{'{', 0x01, (byte) 0xFF});

            // the conversation's later change waits behind the parked record; the write itself is accepted
            assertThat(api.patch("/v1/conversations/" + poisoned, keyA, "{\"title\": \"After the poison\"}").status()).isEqualTo(200);
            // every other conversation, of every account, goes on as usual
            assertVisible(api, keyB, "Written after the poison");
            assertVisible(api, keyA, "Also after the poison");

            JsonNode parked = await("the records parked").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/actuator/parked-events", null).body(), body -> body.get("total").asLong() >= 4
                            && body.get("events").valueStream().filter(e -> e.get("subject").asString().equals("conv_garbage")).count() == 3
                            && body.get("events").valueStream().anyMatch(e -> e.get("subject").asString().equals(poisoned)
                                    && e.get("projection").asString().equals("read-models")));
            JsonNode first = poisonOf(parked, poisoned);
            assertThat(first.get("type").asString()).isEqualTo("soul.conversation.updated.v1");
            assertThat(first.get("error").asString()).isNotBlank();
            // its later events (the title change, the summary finished meanwhile) wait behind it, unapplied
            assertThat(parked.get("events").valueStream().filter(e -> e.get("subject").asString().equals(poisoned)
                    && !e.get("first").asBoolean()).map(e -> e.get("type").asString()).toList())
                    .contains("soul.conversation.updated.v1");
            // the unreadable record is parked by every projection that reads the log
            assertThat(parked.get("events").valueStream().filter(e -> e.get("subject").asString().equals("conv_garbage")).count())
                    .isEqualTo(3);
            assertDegraded(api);
        }

        // parked records and everything built survive a restart; the read side does not stop on them again
        try (AllInOneSystem system = AllInOneSystem.start(data, 0, Map.of(), ARGS)) {
            Api api = new Api("http://localhost:" + system.port());
            assertVisible(api, keyB, "Written after the restart");
            assertDegraded(api);
            assertThat(api.get("/v1/conversations/" + poisoned, keyA).body().get("title").asString()).isEqualTo("Before the poison");

            // a retry of the poisoned conversation fails again on the same record and changes nothing
            JsonNode retried = api.post("/actuator/parked-events/read-models/" + poisoned, null, "").body();
            assertThat(retried.get("applied").asInt()).isZero();
            JsonNode poison = poisonOf(api.get("/actuator/parked-events/read-models", null).body(), poisoned);
            assertThat(poison.get("attempts").asInt()).isEqualTo(2);

            // discarded, the change behind it goes through on the next retry
            assertThat(api.delete("/actuator/parked-events/read-models/" + poison.get("partition").asInt() + "/"
                    + poison.get("offset").asLong(), null).status()).isEqualTo(200);
            retried = api.post("/actuator/parked-events/read-models/" + poisoned, null, "").body();
            assertThat(retried.get("applied").asInt()).isPositive();
            assertThat(retried.get("still_parked").asLong()).isEqualTo(1); // the unreadable record
            assertThat(api.get("/v1/conversations/" + poisoned, keyA).body().get("title").asString()).isEqualTo("After the poison");

            for (JsonNode garbage : api.get("/actuator/parked-events", null).body().get("events")) {
                assertThat(api.delete("/actuator/parked-events/" + garbage.get("projection").asString() + "/"
                        + garbage.get("partition").asInt() + "/" + garbage.get("offset").asLong(), null).status()).isEqualTo(200);
            }
            assertThat(api.get("/actuator/parked-events", null).body().get("total").asLong()).isZero();
            JsonNode health = api.get("/v1/health", null).body();
            assertThat(health.get("status").asString()).isEqualTo("ok");
            // unknown projections and records answer 404
            assertThat(api.get("/actuator/parked-events/nope", null).status()).isEqualTo(404);
            assertThat(api.delete("/actuator/parked-events/read-models/0/999999", null).status()).isEqualTo(404);
        }
    }

    private static void send(AllInOneSystem system, String key, byte[] value) {
        @SuppressWarnings("unchecked")
        Producer<String, byte[]> producer = system.context().getBean("eventProducer", Producer.class);
        String topic = system.context().getEnvironment().getProperty("soul.kafka.topic");
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not put the record on the log", e);
        }
    }

    /** A new conversation reads back at once (the writer's own read waits for it, as every read does). */
    private static void assertVisible(Api api, String key, String title) {
        Api.Response created = api.post("/v1/conversations", key, "{\"title\": \"" + title + "\"}");
        assertThat(created.status()).isEqualTo(201);
        Api.Response read = api.get("/v1/conversations/" + created.body().get("id").asString(), key);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("title").asString()).isEqualTo(title);
    }

    private static void assertDegraded(Api api) {
        Api.Response health = api.get("/v1/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("status").asString()).isEqualTo("degraded");
        Api.Response actuator = api.get("/actuator/health", null);
        assertThat(actuator.body().at("/components/projections/status").asString()).isEqualTo("DEGRADED");
        // the public health names no detail
        assertThat(actuator.body().at("/components/projections").has("details")).isFalse();
    }

    /** The one parked record of {@code subject} in the read models that failed (the others wait behind it). */
    private static JsonNode poisonOf(JsonNode listing, String subject) {
        var matches = listing.get("events").valueStream().filter(e -> e.get("subject").asString().equals(subject)
                && e.get("projection").asString().equals("read-models") && e.get("first").asBoolean()).toList();
        assertThat(matches).hasSize(1);
        return matches.get(0);
    }
}
