package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static ai.soul.allinone.ConversationApiContract.assertError;
import static ai.soul.allinone.ConversationApiContract.assertNotFound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agent replies and summaries over HTTP, against the whole system with the built-in local engine:
 * a conversation is processing until its first summary, a posted message gets a reply built from
 * the conversation, summaries can be asked for in a style, and another account sees none of it.
 */
class RepliesAndSummariesE2ETest {

    static final String TEXT = "The quarterly review with the Lisbon team moves to Friday at ten. "
            + "Maria will send the updated budget spreadsheet before Thursday. "
            + "The customer was very happy with the new onboarding flow and praised the support team. "
            + "We still need to schedule a security audit for the payment service. "
            + "Carlos said the migration to the new database finished without problems.";

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;
    String key;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @BeforeEach
    void register() {
        key = api.register("replies-" + UUID.randomUUID() + "@example.com");
    }

    private String createConversation() {
        var created = api.post("/v1/conversations", key, Api.JSON.createObjectNode()
                .put("title", "Quarterly review with the Lisbon team").put("content", TEXT).put("source", "email").toString());
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.body().get("status").asString()).isEqualTo("processing");
        assertThat(created.body().get("summary").isNull()).isTrue();
        return created.body().get("id").asString();
    }

    private JsonNode completed(String id) {
        return await("the first summary of " + id).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/v1/conversations/" + id, key).body(), c -> c.get("status").asString().equals("completed"));
    }

    private Api.Response postWaiting(String path, String json, String prefer) {
        HttpRequest request = api.request(path, key).header("Content-Type", "application/json").header("Prefer", prefer)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return api.send(request);
    }

    private static Set<String> words(String text) {
        Set<String> words = new java.util.HashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isBlank()) words.add(word);
        }
        return words;
    }

    @Test
    void aNewConversationIsProcessingUntilItsFirstSummaryExists() {
        String id = createConversation();
        JsonNode conversation = completed(id);
        JsonNode summary = conversation.get("summary");
        assertThat(summary.get("title").asString()).isNotBlank();
        assertThat(summary.get("content").asString()).isNotBlank();
        assertThat(summary.get("sentiment").asString()).isIn("positive", "neutral", "negative");
        List<String> topics = new ArrayList<>();
        summary.get("topics").forEach(t -> topics.add(t.asString().toLowerCase(Locale.ROOT)));
        assertThat(topics).isNotEmpty();
        Set<String> textWords = words(TEXT + " Quarterly review with the Lisbon team");
        assertThat(topics).anySatisfy(topic -> assertThat(textWords).containsAnyElementsOf(words(topic)));
        assertThat(summary.get("action_items").isArray()).isTrue();
        // the content is made of the conversation's own words
        assertThat(textWords).containsAnyElementsOf(words(summary.get("content").asString()));
        // listed by status too
        assertThat(api.get("/v1/conversations?status=completed", key).body().at("/meta/total").asInt()).isEqualTo(1);
    }

    @Test
    void aMessageGetsAReplyBuiltFromTheConversation() {
        String id = createConversation();
        var posted = postWaiting("/v1/conversations/" + id + "/messages",
                "{\"content\": \"When does the quarterly review happen and who sends the budget?\"}", "wait=10");
        assertThat(posted.status()).as(posted.raw().body()).isEqualTo(201);
        assertThat(posted.header("Preference-Applied")).isEqualTo("wait=10");
        JsonNode message = posted.body();
        assertThat(message.get("role").asString()).isEqualTo("user");
        assertThat(message.get("index").asInt()).isZero();
        JsonNode reply = message.get("reply");
        assertThat(reply).as(posted.raw().body()).isNotNull();
        assertThat(reply.get("id").asString()).matches("msg_[0-9A-Z]{26}");
        assertThat(reply.get("conversation_id").asString()).isEqualTo(id);
        assertThat(reply.get("role").asString()).isEqualTo("agent");
        assertThat(reply.get("index").asInt()).isEqualTo(1);
        assertThat(reply.get("model").asString()).isNotBlank();
        assertThat(reply.has("reasoning")).isFalse();
        String content = reply.get("content").asString();
        assertThat(content).isNotBlank();
        Set<String> replyWords = words(content);
        assertThat(replyWords).containsAnyOf("friday", "review", "budget", "maria", "quarterly");

        // the reply is a message of the conversation (read-your-writes covers it, as the client has seen it)
        var messages = api.get("/v1/conversations/" + id + "/messages", key).body();
        assertThat(messages.at("/meta/total").asInt()).isEqualTo(2);
        JsonNode question = messages.get("data").get(0);
        JsonNode answer = messages.get("data").get(1);
        assertThat(question.get("reply_status").asString()).isEqualTo("completed");
        assertThat(answer.get("role").asString()).isEqualTo("agent");
        assertThat(answer.get("id").asString()).isEqualTo(reply.get("id").asString());
        assertThat(answer.get("content").asString()).isEqualTo(content);
        assertThat(answer.get("in_reply_to").asString()).isEqualTo(message.get("id").asString());
        assertThat(answer.get("created_at").asString()).isEqualTo(reply.get("created_at").asString());
        assertThat(api.get("/v1/conversations/" + id, key).body().get("message_count").asInt()).isEqualTo(2);
    }

    @Test
    void verboseWithANamedModelAddsTheReasoning() {
        String id = createConversation();
        var posted = postWaiting("/v1/conversations/" + id + "/messages",
                "{\"content\": \"Who sends the budget spreadsheet?\", \"llm_id\": \"local-extractive-1\", \"verbose\": true}",
                "wait=100");
        assertThat(posted.status()).as(posted.raw().body()).isEqualTo(201);
        // the wait is capped
        assertThat(posted.header("Preference-Applied")).isEqualTo("wait=60");
        JsonNode reply = posted.body().get("reply");
        assertThat(reply.get("model").asString()).isEqualTo("local-extractive-1");
        assertThat(reply.get("reasoning").asString()).isNotBlank();
        assertThat(words(reply.get("content").asString())).containsAnyOf("maria", "budget", "spreadsheet");
    }

    @Test
    void withoutWaitingTheMessageIsAnsweredAtOnceAndTheReplyFollows() {
        String id = createConversation();
        var posted = api.post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"What about the security audit?\"}");
        assertThat(posted.status()).isEqualTo(201);
        assertThat(posted.body().has("reply")).isFalse();
        assertThat(posted.header("Preference-Applied")).isNull();
        JsonNode messages = await("the reply").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/v1/conversations/" + id + "/messages", key).body(), m -> m.at("/meta/total").asInt() == 2);
        assertThat(messages.get("data").get(1).get("role").asString()).isEqualTo("agent");
        assertThat(words(messages.get("data").get(1).get("content").asString())).containsAnyOf("security", "audit", "schedule");
    }

    @Test
    void aBulletSummaryOnRequestAndARequestWhileOneRunsJoinsIt() {
        String id = createConversation();
        completed(id);
        var requested = api.post("/v1/conversations/" + id + "/summaries", key, "{\"style\": \"bullet\", \"language\": \"en\"}");
        assertThat(requested.status()).as(requested.raw().body()).isEqualTo(202);
        JsonNode summary = requested.body();
        String summaryId = summary.get("id").asString();
        assertThat(summaryId).matches("summary_[0-9A-Z]{26}");
        assertThat(summary.get("conversation_id").asString()).isEqualTo(id);
        assertThat(summary.get("status").asString()).isEqualTo("processing");
        assertThat(summary.get("created_at").asString()).isNotBlank();

        JsonNode done = await("the bullet summary").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/v1/conversations/" + id + "/summaries/" + summaryId, key),
                        r -> r.status() == 200 && r.body().get("status").asString().equals("completed")).body();
        assertThat(done.get("id").asString()).isEqualTo(summaryId);
        assertThat(done.get("style").asString()).isEqualTo("bullet");
        assertThat(done.get("language").asString()).isEqualTo("en");
        assertThat(done.get("content").asString().lines().filter(l -> !l.isBlank()).toList()).isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("- "));
        assertThat(done.get("sentiment").asString()).isIn("positive", "neutral", "negative");
        assertThat(done.get("completed_at").asString()).isNotBlank();
        assertThat(done.has("error")).isFalse();

        // with Prefer: wait the answer is the finished summary
        var waited = postWaiting("/v1/conversations/" + id + "/summaries", "{\"style\": \"detailed\"}", "wait=10");
        assertThat(waited.status()).as(waited.raw().body()).isEqualTo(200);
        assertThat(waited.header("Preference-Applied")).isEqualTo("wait=10");
        assertThat(waited.body().get("status").asString()).isEqualTo("completed");
        assertThat(waited.body().get("style").asString()).isEqualTo("detailed");
        assertThat(waited.body().get("title").asString()).isNotBlank();
    }

    @Test
    void requestsWhileASummaryRunsAnswerTheRunningOne() throws Exception {
        String id = createConversation();
        completed(id);
        // five at once: the commands take their turns on the conversation faster than a summary is written,
        // so requests share the running summary's id (the rule itself is a fixture test of the aggregate)
        List<java.util.concurrent.CompletableFuture<Api.Response>> requests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            requests.add(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> api.post("/v1/conversations/" + id + "/summaries", key, "{\"style\": \"concise\"}")));
        }
        Set<String> ids = new java.util.HashSet<>();
        for (var request : requests) {
            Api.Response response = request.get();
            assertThat(response.status()).isEqualTo(202);
            assertThat(response.body().get("status").asString()).isEqualTo("processing");
            ids.add(response.body().get("id").asString());
        }
        assertThat(ids.size()).isLessThan(5);
        for (String summaryId : ids) {
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/conversations/" + id + "/summaries/" + summaryId, key)
                    .body().get("status").asString().equals("completed"));
        }
    }

    @Test
    void anotherAccountsIdsAreNotFound() {
        String id = createConversation();
        completed(id);
        String summaryId = api.post("/v1/conversations/" + id + "/summaries", key, "{}").body().get("id").asString();
        String stranger = api.register("stranger-" + UUID.randomUUID() + "@example.com");
        assertNotFound(api.post("/v1/conversations/" + id + "/summaries", stranger, "{}"));
        assertNotFound(api.get("/v1/conversations/" + id + "/summaries/" + summaryId, stranger));
        assertNotFound(api.get("/v1/conversations/" + id + "/summaries/summary_01JQ8X2Y3Z4A5B6C7D8E9F0G1H", key));
        assertNotFound(api.get("/v1/conversations/" + id + "/summaries/not-an-id", key));
        assertNotFound(api.post("/v1/conversations/conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H/summaries", key, "{}"));
        assertNotFound(api.post("/v1/conversations/" + id + "/messages", stranger, "{\"content\": \"hi\"}"));
        assertThat(api.get("/v1/conversations/" + id + "/summaries/" + summaryId, key).status()).isEqualTo(200);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        String id = createConversation();
        JsonNode before = completed(id);
        String summaryId = api.post("/v1/conversations/" + id + "/summaries", key, "{}").body().get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/conversations/" + id, key).body()
                .get("status").asString().equals("completed"));

        var poem = api.post("/v1/conversations/" + id + "/summaries", key, "{\"style\": \"poem\"}");
        assertError(poem, 422, "validation_error");
        assertThat(poem.body().at("/error/details/fields").has("style")).isTrue();
        var number = api.post("/v1/conversations/" + id + "/summaries", key, "{\"language\": 123}");
        assertThat(number.status()).isIn(400, 422);
        assertError(number, number.status(), number.status() == 422 ? "validation_error" : "bad_request");
        var tag = api.post("/v1/conversations/" + id + "/summaries", key, "{\"language\": \"not a language\"}");
        assertError(tag, 422, "validation_error");
        assertThat(tag.body().at("/error/details/fields").has("language")).isTrue();
        assertError(api.post("/v1/conversations/" + id + "/summaries", key, "[1]"), 400, "bad_request");

        var model = api.post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"hi\", \"llm_id\": \"gpt-17-ultra\"}");
        assertError(model, 422, "validation_error");
        assertThat(model.body().at("/error/details/fields").has("llm_id")).isTrue();
        assertError(api.patch("/v1/conversations/" + id, key, "{\"llm_id\": \"gpt-17-ultra\"}"), 422, "validation_error");
        assertError(api.post("/v1/conversations", key, "{\"title\": \"t\", \"llm_id\": \"gpt-17-ultra\"}"), 422, "validation_error");
        assertError(api.post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"\"}"), 422, "validation_error");

        JsonNode after = api.get("/v1/conversations/" + id, key).body();
        assertThat(after.get("message_count").asInt()).isEqualTo(before.get("message_count").asInt());
        assertThat(after.get("llm_id")).isEqualTo(before.get("llm_id"));
        assertThat(api.get("/v1/conversations", key).body().at("/meta/total").asInt()).isEqualTo(1);
        // the last summary is still the one asked for before the bad requests
        assertThat(api.get("/v1/conversations/" + id + "/summaries/" + summaryId, key).body().get("status").asString())
                .isEqualTo("completed");
    }
}
