package ai.soul.allinone;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conversation API as a client sees it, over real HTTP. Every read right after a write must
 * already show the write (read-your-writes), so no read here retries.
 */
abstract class ConversationApiContract {

    abstract Api api();

    String key;

    @BeforeEach
    void newAccount() {
        key = api().register("user-" + UUID.randomUUID() + "@example.com");
    }

    Api.Response create(String json) {
        return api().post("/v1/conversations", key, json);
    }

    @Test
    void createdConversationIsReadableAtOnce() {
        var created = create("""
                {"title": "Meeting notes", "content": "Discussion about Q1 goals", "source": "email",
                 "metadata": {"participants": ["john@example.com", "jane@example.com"], "date": "2024-01-01"}}""");
        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.body();
        String id = c.get("id").asString();
        assertThat(id).matches("conv_[0-9A-Z]{26}");
        assertThat(created.header("Location")).isEqualTo("/v1/conversations/" + id);
        assertThat(c.get("title").asString()).isEqualTo("Meeting notes");
        assertThat(c.get("content").asString()).isEqualTo("Discussion about Q1 goals");
        assertThat(c.get("source").asString()).isEqualTo("email");
        assertThat(c.get("status").asString()).isEqualTo("processing");
        assertThat(c.get("summary").isNull()).isTrue();
        assertThat(c.get("metadata").get("participants").get(1).asString()).isEqualTo("jane@example.com");

        var read = api().get("/v1/conversations/" + id, key);
        assertThat(read.status()).isEqualTo(200);
        assertThat(withoutSummary(read.body())).isEqualTo(withoutSummary(c));
    }

    /** A conversation without what its summary changes (status, summary), which the summary effect may change at any time. */
    static JsonNode withoutSummary(JsonNode conversation) {
        var copy = (tools.jackson.databind.node.ObjectNode) conversation.deepCopy();
        copy.remove("status");
        copy.remove("summary");
        return copy;
    }

    /** Posts a message and waits for the agent's reply, so that the indexes that follow are known. */
    Api.Response postAndWaitForReply(String conversationId, String json) {
        var response = api().send(api().request("/v1/conversations/" + conversationId + "/messages", key)
                .header("Content-Type", "application/json").header("Prefer", "wait=10")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
        assertThat(response.body().has("reply")).as(response.raw().body()).isTrue();
        return response;
    }

    @Test
    void listPagesSortsAndFilters() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create("{\"title\": \"Conversation " + i + "\", \"source\": \"" + (i % 2 == 0 ? "email" : "api") + "\"}")
                    .body().get("id").asString());
        }
        var first = api().get("/v1/conversations?per_page=2", key);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("meta").get("total").asLong()).isEqualTo(5);
        assertThat(first.body().get("meta").get("total_pages").asLong()).isEqualTo(3);
        assertThat(first.body().get("meta").get("per_page").asInt()).isEqualTo(2);
        assertThat(titles(first)).containsExactly("Conversation 4", "Conversation 3");
        assertThat(first.body().get("links").get("prev").isNull()).isTrue();
        assertThat(first.body().get("links").get("next").asString()).endsWith("page=2");
        assertThat(first.body().get("links").get("last").asString()).endsWith("page=3");

        var last = api().get("/v1/conversations?per_page=2&page=3", key);
        assertThat(titles(last)).containsExactly("Conversation 0");
        assertThat(last.body().get("links").get("next").isNull()).isTrue();

        var ascending = api().get("/v1/conversations?sort=created_at", key);
        assertThat(titles(ascending)).containsExactly("Conversation 0", "Conversation 1", "Conversation 2", "Conversation 3", "Conversation 4");

        var emails = api().get("/v1/conversations?source=email&sort=created_at", key);
        assertThat(titles(emails)).containsExactly("Conversation 0", "Conversation 2", "Conversation 4");
        assertThat(emails.body().get("meta").get("total").asLong()).isEqualTo(3);

        assertThat(api().get("/v1/conversations?status=failed", key).body().get("meta").get("total").asLong()).isZero();
        // each is processing until its first summary exists
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> api().get("/v1/conversations?status=completed", key).body().get("meta").get("total").asLong() == 5);

        api().post("/v1/conversations/" + ids.get(1) + "/messages", key, "{\"content\": \"bump\"}");
        var byUpdate = api().get("/v1/conversations?sort=-updated_at&per_page=1", key);
        assertThat(titles(byUpdate)).containsExactly("Conversation 1");
    }

    @Test
    void patchMergesMetadataAndKeepsTheRest() {
        String id = create("{\"title\": \"Meeting notes\", \"metadata\": {\"participants\": [\"john@example.com\"], \"draft\": true}}")
                .body().get("id").asString();
        var patched = api().patch("/v1/conversations/" + id, key,
                "{\"title\": \"Updated meeting notes\", \"metadata\": {\"reviewed\": true, \"draft\": null}}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body().get("title").asString()).isEqualTo("Updated meeting notes");
        JsonNode metadata = patched.body().get("metadata");
        assertThat(metadata.get("reviewed").asBoolean()).isTrue();
        assertThat(metadata.get("participants").get(0).asString()).isEqualTo("john@example.com");
        assertThat(metadata.has("draft")).isFalse();
        assertThat(withoutSummary(api().get("/v1/conversations/" + id, key).body())).isEqualTo(withoutSummary(patched.body()));
    }

    /** Like every other list (api.md: default 20, at most 100). */
    @Test
    void messagesComeTwentyAPageUnlessAskedOtherwise() {
        StringBuilder messages = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            messages.append(i > 1 ? "," : "").append("{\"content\": \"m").append(i).append("\"}");
        }
        String id = create("{\"title\": \"Long\", \"messages\": [" + messages + "]}").body().get("id").asString();
        var first = api().get("/v1/conversations/" + id + "/messages", key).body();
        assertThat(first.get("data")).hasSize(20);
        assertThat(first.at("/meta/per_page").asInt()).isEqualTo(20);
        assertThat(first.at("/meta/total").asInt()).isEqualTo(25);
        assertThat(first.at("/meta/total_pages").asInt()).isEqualTo(2);
        var second = api().get("/v1/conversations/" + id + "/messages?page=2", key).body();
        assertThat(second.get("data")).hasSize(5);
        assertThat(second.get("data").get(4).get("content").asString()).isEqualTo("m25");
        assertThat(api().get("/v1/conversations/" + id + "/messages?per_page=100", key).body().get("data")).hasSize(25);
    }

    @Test
    void messagesKeepTheirOrder() {
        String id = create("{\"title\": \"Chat\", \"messages\": [{\"role\": \"agent\", \"content\": \"Hello, how can I help you today?\"}]}")
                .body().get("id").asString();
        // each user message is followed by the agent's reply
        for (int i = 1; i <= 3; i++) {
            var posted = postAndWaitForReply(id, "{\"content\": \"message " + i + "\"}");
            assertThat(posted.status()).isEqualTo(201);
            assertThat(posted.body().get("role").asString()).isEqualTo("user");
            assertThat(posted.body().get("index").asInt()).isEqualTo(2 * i - 1);
            assertThat(posted.body().get("id").asString()).matches("msg_[0-9A-Z]{26}");
            assertThat(posted.body().get("reply").get("index").asInt()).isEqualTo(2 * i);
        }
        var messages = api().get("/v1/conversations/" + id + "/messages", key);
        assertThat(messages.status()).isEqualTo(200);
        List<String> roles = new ArrayList<>();
        List<String> userContents = new ArrayList<>();
        messages.body().get("data").forEach(m -> {
            roles.add(m.get("role").asString());
            if (m.get("role").asString().equals("user")) userContents.add(m.get("content").asString());
        });
        assertThat(roles).containsExactly("agent", "user", "agent", "user", "agent", "user", "agent");
        assertThat(userContents).containsExactly("message 1", "message 2", "message 3");
        assertThat(messages.body().get("data").get(0).get("content").asString()).isEqualTo("Hello, how can I help you today?");
        assertThat(messages.body().get("meta").get("total").asLong()).isEqualTo(7);
        var conversation = api().get("/v1/conversations/" + id, key).body();
        assertThat(conversation.get("message_count").asInt()).isEqualTo(7);
        assertThat(conversation.get("last_message_at").asString()).isEqualTo(messages.body().get("data").get(6).get("created_at").asString());
    }

    /** A created message's Location names it, and answers it with the same JSON as its item in the list. */
    @Test
    void aPostedMessageIsReadAtItsLocation() {
        String id = create("{\"title\": \"Chat\"}").body().get("id").asString();
        // waiting for the reply, so that nothing changes the messages while they are compared
        var posted = postAndWaitForReply(id, "{\"content\": \"Where is the pricing sheet?\"}");
        assertThat(posted.status()).isEqualTo(201);
        String messageId = posted.body().get("id").asString();
        assertThat(posted.header("Location")).isEqualTo("/v1/conversations/" + id + "/messages/" + messageId);

        var read = api().get(posted.header("Location"), key);
        assertThat(read.status()).as(read.raw().body()).isEqualTo(200);
        JsonNode message = read.body();
        assertThat(message.get("id").asString()).isEqualTo(messageId);
        assertThat(message.get("conversation_id").asString()).isEqualTo(id);
        assertThat(message.get("index").asInt()).isZero();
        assertThat(message.get("role").asString()).isEqualTo("user");
        assertThat(message.get("content").asString()).isEqualTo("Where is the pricing sheet?");
        assertThat(message.get("created_at").asString()).isEqualTo(posted.body().get("created_at").asString());
        assertThat(message.get("reply_status").asString()).isEqualTo("completed");

        JsonNode listed = api().get("/v1/conversations/" + id + "/messages", key).body().get("data");
        assertThat(message).isEqualTo(listed.get(0));
        String replyId = posted.body().get("reply").get("id").asString();
        var reply = api().get("/v1/conversations/" + id + "/messages/" + replyId, key);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(listed.get(1));
        assertThat(reply.body().get("in_reply_to").asString()).isEqualTo(messageId);
    }

    /** Unknown, malformed, another conversation's and another account's message ids all answer 404, alike. */
    @Test
    void aMessageIsFoundOnlyInItsOwnConversation() {
        String id = create("{\"title\": \"Mine\", \"messages\": [{\"content\": \"private\"}]}").body().get("id").asString();
        String messageId = api().get("/v1/conversations/" + id + "/messages", key).body().at("/data/0/id").asString();
        assertThat(api().get("/v1/conversations/" + id + "/messages/" + messageId, key).status()).isEqualTo(200);
        String unknown = "msg_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";

        var never = api().get("/v1/conversations/" + id + "/messages/" + unknown, key);
        assertNotFound(never);
        assertThat(never.body().at("/error/message").asString()).isEqualTo("Message " + unknown + " not found");
        assertNotFound(api().get("/v1/conversations/" + id + "/messages/not-an-id", key));
        assertNotFound(api().get("/v1/conversations/" + id + "/messages/conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H", key));

        String other = create("{\"title\": \"Other\"}").body().get("id").asString();
        var elsewhere = api().get("/v1/conversations/" + other + "/messages/" + messageId, key);
        assertNotFound(elsewhere);
        assertThat(elsewhere.body().at("/error/message").asString()).isEqualTo("Message " + messageId + " not found");

        String stranger = api().register("stranger-" + UUID.randomUUID() + "@example.com");
        var foreign = api().get("/v1/conversations/" + id + "/messages/" + messageId, stranger);
        assertNotFound(foreign);
        assertThat(foreign.body().at("/error/message").asString()).isEqualTo("Conversation " + id + " not found");
        String theirs = api().post("/v1/conversations", stranger, "{\"title\": \"Theirs\"}").body().get("id").asString();
        var foreignMessage = api().get("/v1/conversations/" + theirs + "/messages/" + messageId, stranger);
        assertNotFound(foreignMessage);
        assertThat(foreignMessage.body().at("/error/message").asString()).isEqualTo("Message " + messageId + " not found");

        api().delete("/v1/conversations/" + id, key);
        assertNotFound(api().get("/v1/conversations/" + id + "/messages/" + messageId, key));
    }

    @Test
    void deletedConversationIsGoneAndTakesNoMessages() {
        String id = create("{\"title\": \"To delete\"}").body().get("id").asString();
        api().post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"secret\"}");
        var deleted = api().delete("/v1/conversations/" + id, key);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("deleted").asBoolean()).isTrue();
        assertThat(deleted.body().get("id").asString()).isEqualTo(id);

        assertNotFound(api().get("/v1/conversations/" + id, key));
        assertNotFound(api().get("/v1/conversations/" + id + "/messages", key));
        assertNotFound(api().post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"hello?\"}"));
        assertNotFound(api().patch("/v1/conversations/" + id, key, "{\"title\": \"back\"}"));
        assertNotFound(api().delete("/v1/conversations/" + id, key));
        assertThat(api().get("/v1/conversations", key).body().get("meta").get("total").asLong()).isZero();
    }

    @Test
    void anotherAccountSeesNothingAndChangesNothing() {
        String id = create("{\"title\": \"Mine\", \"content\": \"private\"}").body().get("id").asString();
        String stranger = api().register("stranger-" + UUID.randomUUID() + "@example.com");

        assertNotFound(api().get("/v1/conversations/" + id, stranger));
        assertNotFound(api().get("/v1/conversations/" + id + "/messages", stranger));
        assertNotFound(api().patch("/v1/conversations/" + id, stranger, "{\"title\": \"stolen\"}"));
        assertNotFound(api().post("/v1/conversations/" + id + "/messages", stranger, "{\"content\": \"hi\"}"));
        assertNotFound(api().delete("/v1/conversations/" + id, stranger));
        assertThat(api().get("/v1/conversations", stranger).body().get("meta").get("total").asLong()).isZero();

        var mine = api().get("/v1/conversations/" + id, key).body();
        assertThat(mine.get("title").asString()).isEqualTo("Mine");
        assertThat(mine.get("message_count").asInt()).isZero();
    }

    @Test
    void badInputGetsTheEnvelopeAndChangesNothing() {
        create("{\"title\": \"The only one\"}");

        assertError(api().post("/v1/conversations", null, "{\"title\": \"x\"}"), 401, "unauthorized");
        assertError(api().post("/v1/conversations", "sk_not-a-key", "{\"title\": \"x\"}"), 401, "unauthorized");
        assertError(api().send("POST", "/v1/conversations", key, "application/json", "{\"title\": "), 400, "bad_request");
        assertError(api().send("POST", "/v1/conversations", key, "application/json", ""), 400, "bad_request");
        assertError(api().send("POST", "/v1/conversations", key, "text/plain", "title"), 415, "unsupported_media_type");
        assertError(api().send("PUT", "/v1/conversations", key, "application/json", "{}"), 405, "method_not_allowed");
        assertError(api().get("/v1/no-such-route", key), 404, "not_found");
        assertError(api().get("/v1/conversations/not-an-id", key), 404, "not_found");
        assertError(api().get("/v1/conversations/conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H", key), 404, "not_found");
        assertError(api().get("/v1/conversations?per_page=101", key), 400, "bad_request");
        assertError(api().get("/v1/conversations?page=abc", key), 400, "bad_request");
        assertError(api().get("/v1/conversations?sort=title", key), 400, "bad_request");

        var wrongType = api().post("/v1/conversations", key, "{\"title\": 5}");
        assertError(wrongType, 422, "validation_error");
        assertThat(wrongType.body().get("error").get("details").get("fields").has("title")).isTrue();

        var invalid = api().post("/v1/conversations", key, "{\"content\": \"" + "x".repeat(10_001) + "\", \"source\": \"fax\"}");
        assertError(invalid, 422, "validation_error");
        JsonNode fields = invalid.body().get("error").get("details").get("fields");
        assertThat(fields.get("title").get(0).asString()).isEqualTo("Title is required");
        assertThat(fields.get("content").get(0).asString()).isEqualTo("Content must be less than 10000 characters");
        assertThat(fields.has("source")).isTrue();

        assertError(api().post("/v1/conversations", key, "{\"title\": \"" + "x".repeat(1_100_000) + "\"}"), 413, "payload_too_large");
        assertError(api().post("/v1/conversations", key, "{\"title\": \"ok\", \"metadata\": {\"a.b\": 1}}"), 422, "validation_error");
        assertError(api().post("/v1/conversations", key, "[1, 2]"), 400, "bad_request");

        assertThat(api().get("/v1/conversations", key).body().get("meta").get("total").asLong()).isEqualTo(1);
    }

    @Test
    void registrationRulesAndDuplicates() {
        String email = "dup-" + UUID.randomUUID() + "@example.com";
        var first = api().post("/v1/auth/register", null, "{\"email\":\"" + email + "\",\"password\":\"long enough\",\"company_name\":\"Acme\"}");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.body().get("api_key").asString()).startsWith("sk_");
        assertThat(first.body().get("tier").asString()).isEqualTo("enterprise"); // SOUL_DEFAULT_TIER of the tests (config/application.properties)
        assertThat(first.body().get("user_id").asString()).matches("usr_[0-9A-Z]{26}");
        assertThat(first.body().get("message").asString()).contains("will not be shown again");
        // the key works at once, under either header
        String newKey = first.body().get("api_key").asString();
        assertThat(api().get("/v1/conversations", newKey).status()).isEqualTo(200);
        assertThat(api().send(api().request("/v1/conversations", null).header("X-API-Key", newKey).GET().build()).status()).isEqualTo(200);

        // a taken address is answered like a free one (AuthE2ETest has the details)
        assertThat(api().post("/v1/auth/register", null, "{\"email\":\"" + email.toUpperCase() + "\",\"password\":\"long enough\"}").status())
                .isEqualTo(201);
        var weak = api().post("/v1/auth/register", null, "{\"email\":\"x-" + UUID.randomUUID() + "@example.com\",\"password\":\"short\"}");
        assertError(weak, 422, "validation_error");
        assertThat(weak.body().get("error").get("details").get("fields").has("password")).isTrue();
        assertError(api().post("/v1/auth/register", null, "{\"email\":\"nope\",\"password\":\"long enough\"}"), 422, "validation_error");
    }

    @Test
    void healthIsPublic() {
        var health = api().get("/v1/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("status").asString()).isEqualTo("ok");
        assertThat(health.body().get("timestamp").asString()).endsWith("Z");
        assertThat(health.body().has("version")).isTrue();
        var actuator = api().get("/actuator/health", null);
        assertThat(actuator.body().get("components").get("kafka").get("status").asString()).isEqualTo("UP");
        assertThat(actuator.body().get("components").get("mongo").get("status").asString()).isEqualTo("UP");
    }

    static List<String> titles(Api.Response page) {
        List<String> titles = new ArrayList<>();
        page.body().get("data").forEach(c -> titles.add(c.get("title").asString()));
        return titles;
    }

    static void assertNotFound(Api.Response response) {
        assertError(response, 404, "not_found");
    }

    static void assertError(Api.Response response, int status, String code) {
        assertThat(response.status()).as(response.raw().body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode error = response.body().get("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(response.raw().body()).doesNotContain("Exception", "at ai.soul", "trace");
    }

    /** More parallel writes to one conversation than the event store has pooled connections: all succeed, none lost. */
    @Test
    void parallelWritesToOneConversationAllSucceed() throws Exception {
        String id = api().post("/v1/conversations", key, "{\"title\": \"Busy\"}").body().get("id").asString();
        int writers = 24;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            List<java.util.concurrent.Future<Api.Response>> answers = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String body = "{\"metadata\": {\"writer_" + i + "\": " + i + "}}";
                answers.add(pool.submit(() -> api().patch("/v1/conversations/" + id, key, body)));
            }
            for (var answer : answers) {
                assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode metadata = api().get("/v1/conversations/" + id, key).body().get("metadata");
        for (int i = 0; i < writers; i++) {
            assertThat(metadata.get("writer_" + i).asInt()).isEqualTo(i);
        }
    }
}
