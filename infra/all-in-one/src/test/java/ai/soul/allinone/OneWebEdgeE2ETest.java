package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static ai.soul.allinone.ConversationApiContract.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one web edge over real HTTP (issue 11): refusals answered as themselves on every path, a malformed
 * id answered like an unknown one, a 422 naming every broken field, a path that is no route answered 404
 * with or without a key, and a request routed before its Accept header is judged.
 */
class OneWebEdgeE2ETest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;
    static String base;
    static String key;
    static String conversation;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of(), "--spring.main.sources=" + EventStreamRoute.class.getName());
        base = "http://localhost:" + system.port();
        api = new Api(base);
        key = api.register("web-edge-" + UUID.randomUUID() + "@example.com");
        conversation = api.post("/v1/conversations", key, "{\"title\": \"Kept\"}").body().get("id").asString();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    // ------------------------------------------------------------------ the envelope in one place

    /** A refusal raised outside any handler (here: a repeat's body read by the idempotency filter) is answered as itself, not as a 500. */
    @Test
    void aRefusalRaisedInAFilterIsAnsweredAsItself() throws Exception {
        String idempotencyKey = UUID.randomUUID().toString();
        var first = api.send(api.request("/v1/conversations", key).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"Once\"}")).build());
        assertThat(first.status()).isEqualTo(201);

        byte[] oversized = ("{\"title\": \"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> repeat = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/conversations"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                // no Content-Length: the limit is found only while the body is read
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(oversized))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(413);
        JsonNode error = Api.JSON.readTree(repeat.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("payload_too_large");
        assertThat(error.get("details").get("limit_bytes").asLong()).isEqualTo(1_048_576);
    }

    // ------------------------------------------------------------------ a malformed id, in one place

    @Test
    void aMalformedIdIsAnsweredExactlyLikeAnUnknownOne() {
        String unknown = "conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
        for (String id : List.of("not-an-id", "conv_01jq8x2y3z4a5b6c7d8e9f0g1h", "att_01JQ8X2Y3Z4A5B6C7D8E9F0G1H", "%20", unknown)) {
            String message = "Conversation " + id.replace("%20", " ") + " not found";
            assertNotFound(api.get("/v1/conversations/" + id, key), message);
            assertNotFound(api.patch("/v1/conversations/" + id, key, "{\"title\": \"x\"}"), message);
            assertNotFound(api.delete("/v1/conversations/" + id, key), message);
            assertNotFound(api.get("/v1/conversations/" + id + "/messages", key), message);
            assertNotFound(api.post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"x\"}"), message);
            assertNotFound(api.post("/v1/conversations/" + id + "/summaries", key, "{}"), message);
            assertNotFound(api.get("/v1/conversations/" + id + "/attachments", key), message);
        }
        for (String id : List.of("nope", "exp_01JAAAAAAAAAAAAAAAAAAAAAAA")) {
            assertNotFound(api.get("/v1/exports/" + id, key), "Export " + id + " not found");
            assertNotFound(api.get("/v1/exports/" + id + "/download", key), "Export " + id + " not found");
            assertNotFound(api.delete("/v1/exports/" + id, key), "Export " + id + " not found");
        }
        for (String id : List.of("nope", "att_01JAAAAAAAAAAAAAAAAAAAAAAA")) {
            assertNotFound(api.delete("/v1/attachments/" + id, key), "Attachment " + id + " not found");
            assertNotFound(api.get("/v1/attachments/" + id + "/content", key), "Attachment " + id + " not found");
        }
        assertNotFound(api.get("/v1/conversations/" + conversation + "/summaries/nope", key), "Summary nope not found");
        assertThat(api.get("/v1/conversations/" + conversation, key).status()).isEqualTo(200);
    }

    private static void assertNotFound(Api.Response response, String message) {
        assertError(response, 404, "not_found");
        assertThat(response.body().at("/error/message").asString()).isEqualTo(message);
    }

    // ------------------------------------------------------------------ a 422 names every broken field

    @Test
    void aBodyWithAWrongTypeNamesEveryBrokenFieldAndCreatesNothing() {
        long before = conversationCount();
        var answer = api.post("/v1/conversations", key, "{\"title\":\"\",\"source\":\"fax\",\"content\":7}");
        assertError(answer, 422, "validation_error");
        JsonNode fields = answer.body().at("/error/details/fields");
        assertThat(fields.propertyNames()).containsExactlyInAnyOrder("title", "source", "content");
        assertThat(fields.get("content").get(0).asString()).isEqualTo("must be a string");
        assertThat(fields.get("title").get(0).asString()).isEqualTo("Title is required");

        // only wrong types, everything else fine: still refused, and nothing is created
        var onlyTypes = api.post("/v1/conversations", key,
                "{\"title\":\"Fine\",\"content\":true,\"messages\":[{\"content\":\"ok\"},{\"content\":5}],\"metadata\":{\"a\":1}}");
        assertError(onlyTypes, 422, "validation_error");
        assertThat(onlyTypes.body().at("/error/details/fields").propertyNames())
                .containsExactlyInAnyOrder("content", "messages[1].content");
        var update = api.patch("/v1/conversations/" + conversation, key, "{\"title\": 5, \"content\": \"" + "x".repeat(10_001) + "\"}");
        assertError(update, 422, "validation_error");
        assertThat(update.body().at("/error/details/fields").propertyNames()).containsExactlyInAnyOrder("title", "content");
        var message = api.post("/v1/conversations/" + conversation + "/messages", key, "{\"content\": \"hi\", \"verbose\": \"yes\"}");
        assertError(message, 422, "validation_error");
        assertThat(message.body().at("/error/details/fields").propertyNames()).containsExactly("verbose");

        assertThat(conversationCount()).isEqualTo(before);
        JsonNode kept = api.get("/v1/conversations/" + conversation, key).body();
        assertThat(kept.get("title").asString()).isEqualTo("Kept");
        assertThat(kept.get("message_count").asInt()).isZero();

        // a read with a body (search) too: every field at once
        var search = api.post("/v1/conversations/search", key, "{\"query\": 5, \"page\": \"two\", \"per_page\": 500}");
        assertError(search, 422, "validation_error");
        assertThat(search.body().at("/error/details/fields").propertyNames()).contains("query", "page");
        var searchTypesOnly = api.post("/v1/conversations/search", key, "{\"query\": \"kept\", \"page\": \"two\"}");
        assertError(searchTypesOnly, 422, "validation_error");
        assertThat(searchTypesOnly.body().at("/error/details/fields").propertyNames()).containsExactly("page");
    }

    private static long conversationCount() {
        return api.get("/v1/conversations", key).body().get("meta").get("total").asLong();
    }

    // ------------------------------------------------------------------ routes before keys

    @Test
    void aPathThatIsNoRouteIs404WithOrWithoutAKey() {
        for (String credential : new String[]{null, key, "sk_not-a-key"}) {
            var answer = api.get("/v1/emotions", credential);
            assertError(answer, 404, "not_found");
            assertThat(answer.body().at("/error/message").asString()).isEqualTo("No route GET /v1/emotions");
            assertError(api.post("/v1/emotions/1/feel", credential, "{}"), 404, "not_found");
        }
        // still counted, per address, like any request that names no account
        assertThat(api.get("/v1/emotions", null).header("X-RateLimit-Limit")).isNotNull();
        // a route that exists still wants a key, whatever the method
        assertError(api.get("/v1/conversations", null), 401, "unauthorized");
        assertError(api.send("PUT", "/v1/conversations", null, "application/json", "{}"), 401, "unauthorized");
        assertError(api.get("/v1/conversations/" + conversation, "sk_not-a-key"), 401, "unauthorized");
    }

    // ------------------------------------------------------------------ routed, then judged by Accept

    @Test
    void anEventStreamRouteIsServedToAnEventStreamAccept() throws Exception {
        HttpResponse<String> stream = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/test-events"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        assertThat(stream.body()).contains("event:hello").contains("data:usr_");

        // the stream route refuses what it does not produce, a JSON route refuses a stream, a path that is no route is 404
        assertError(accept("/v1/test-events", "application/json"), 406, "not_acceptable");
        assertError(accept("/v1/conversations", "text/event-stream"), 406, "not_acceptable");
        assertError(accept("/v1/conversations/" + conversation, "text/event-stream"), 406, "not_acceptable");
        assertError(accept("/v1/no-such-stream", "text/event-stream"), 404, "not_found");
        // nothing was done for a refused write
        long before = conversationCount();
        var refusedWrite = api.send(api.request("/v1/conversations", key).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"No\"}")).build());
        assertError(refusedWrite, 406, "not_acceptable");
        assertThat(conversationCount()).isEqualTo(before);
    }

    private static Api.Response accept(String path, String accept) {
        return api.send(api.request(path, key).header("Accept", accept).GET().build());
    }
}
