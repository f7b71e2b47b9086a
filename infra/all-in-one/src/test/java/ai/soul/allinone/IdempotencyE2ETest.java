package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code Idempotency-Key} on writes, over real HTTP: a repeat gets the first answer back and changes
 * nothing, whatever the endpoint; a repeat with another request is 422; parallel repeats make one
 * effect; keys are per account.
 */
class IdempotencyE2ETest {

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;
    static String ada;
    static String bob;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
        ada = api.register("ada-" + UUID.randomUUID() + "@example.com");
        bob = api.register("bob-" + UUID.randomUUID() + "@example.com");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static Api.Response send(String method, String path, String account, String key, String json) {
        var builder = api.request(path, account).header("Idempotency-Key", key);
        builder = json == null ? builder.method(method, HttpRequest.BodyPublishers.noBody())
                : builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return api.send(builder.build());
    }

    private static long conversationsTitled(String account, String title) {
        var page = api.get("/v1/conversations?per_page=100", account).body().get("data");
        long n = 0;
        for (var c : page) {
            if (title.equals(c.get("title").asString())) n++;
        }
        return n;
    }

    @Test
    void aRepeatGetsTheFirstAnswerBackAndCreatesNothing() {
        String key = "create-" + UUID.randomUUID();
        String title = "Once " + UUID.randomUUID();
        String body = "{\"title\": \"" + title + "\", \"messages\": [{\"content\": \"hello\"}]}";
        Api.Response first = send("POST", "/v1/conversations", ada, key, body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();

        Api.Response again = send("POST", "/v1/conversations", ada, key, body);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.header("X-RateLimit-Limit")).isNotNull(); // the repeat's own limits, not the first's

        await().atMost(Duration.ofSeconds(10)).until(() -> conversationsTitled(ada, title) == 1);
        String id = first.body().get("id").asString();

        // a message, then a deletion: each repeat answers as the first did, with nothing more done
        String messageKey = "msg-" + UUID.randomUUID();
        Api.Response posted = send("POST", "/v1/conversations/" + id + "/messages", ada, messageKey, "{\"content\": \"once\"}");
        assertThat(posted.status()).isEqualTo(201);
        assertThat(send("POST", "/v1/conversations/" + id + "/messages", ada, messageKey, "{\"content\": \"once\"}").body())
                .isEqualTo(posted.body());
        await().atMost(Duration.ofSeconds(10)).until(() -> postedOnce(id));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> postedOnce(id));

        String deleteKey = "del-" + UUID.randomUUID();
        Api.Response deleted = send("DELETE", "/v1/conversations/" + id, ada, deleteKey, null);
        assertThat(deleted.status()).isEqualTo(200);
        Api.Response deletedAgain = send("DELETE", "/v1/conversations/" + id, ada, deleteKey, null);
        assertThat(deletedAgain.status()).isEqualTo(200);
        assertThat(deletedAgain.body()).isEqualTo(deleted.body());
        assertThat(send("DELETE", "/v1/conversations/" + id, ada, "del-" + UUID.randomUUID(), null).status()).isEqualTo(404);
    }

    /** The message "once" is there once, whatever the agent replied to it. */
    private static boolean postedOnce(String conversation) {
        int n = 0;
        for (var m : api.get("/v1/conversations/" + conversation + "/messages?per_page=100", ada).body().get("data")) {
            if (m.get("role").asString().equals("user") && m.get("content").asString().equals("once")) n++;
        }
        return n == 1;
    }

    @Test
    void aKeyUsedForAnotherRequestIsRefusedAndChangesNothing() {
        String key = "k-" + UUID.randomUUID();
        String title = "First " + UUID.randomUUID();
        assertThat(send("POST", "/v1/conversations", ada, key, "{\"title\": \"" + title + "\"}").status()).isEqualTo(201);

        String other = "Other " + UUID.randomUUID();
        Api.Response refused = send("POST", "/v1/conversations", ada, key, "{\"title\": \"" + other + "\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().at("/error/code").asString()).isEqualTo("validation_error");
        assertThat(refused.body().at("/error/details/fields/Idempotency-Key/0").asString()).contains("another request");
        assertThat(send("PATCH", "/v1/conversations/conv_01JZZZZZZZZZZZZZZZZZZZZZZZ", ada, key, "{\"title\": \"x\"}").status())
                .isEqualTo(422);

        await().atMost(Duration.ofSeconds(10)).until(() -> conversationsTitled(ada, title) == 1);
        assertThat(conversationsTitled(ada, other)).isZero();
    }

    @Test
    void keysArePerAccount() {
        String key = "shared-" + UUID.randomUUID();
        Api.Response adas = send("POST", "/v1/conversations", ada, key, "{\"title\": \"same\"}");
        Api.Response bobs = send("POST", "/v1/conversations", bob, key, "{\"title\": \"same\"}");
        assertThat(adas.status()).isEqualTo(201);
        assertThat(bobs.status()).isEqualTo(201);
        assertThat(bobs.header("Idempotent-Replayed")).isNull();
        assertThat(bobs.body().get("id").asString()).isNotEqualTo(adas.body().get("id").asString());
    }

    @Test
    void parallelRepeatsMakeOneConversation() throws Exception {
        String key = "parallel-" + UUID.randomUUID();
        String title = "Parallel " + UUID.randomUUID();
        String body = "{\"title\": \"" + title + "\"}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit((Callable<Api.Response>) () -> send("POST", "/v1/conversations", ada, key, body)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Api.Response> answer : answers) {
                Api.Response r = answer.get();
                assertThat(r.status()).as(r.raw().body()).isIn(201, 409);
                if (r.status() == 201) {
                    ids.add(r.body().get("id").asString());
                } else {
                    assertThat(r.header("Retry-After")).isEqualTo("1");
                    assertThat(r.body().at("/error/code").asString()).isEqualTo("conflict");
                }
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> conversationsTitled(ada, title) == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> conversationsTitled(ada, title) == 1);
    }

    @Test
    void anUploadRepeatedWithAnotherBoundaryIsTheSameRequestAndOtherBytesAreNot() {
        String conversation = api.post("/v1/conversations", ada, "{\"title\": \"files\"}").body().get("id").asString();
        String key = "upload-" + UUID.randomUUID();
        byte[] bytes = "the same file".getBytes(StandardCharsets.UTF_8);
        Api.Response first = upload(conversation, key, bytes);
        assertThat(first.status()).as(first.raw().body()).isEqualTo(201);
        Api.Response again = upload(conversation, key, bytes);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(upload(conversation, key, "another file".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(422);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/v1/conversations/" + conversation + "/attachments", ada).body().get("data").size() == 1);
    }

    private static Api.Response upload(String conversation, String key, byte[] bytes) {
        String boundary = "b" + UUID.randomUUID();
        return api.send(api.request("/v1/conversations/" + conversation + "/attachments", ada)
                .header("Idempotency-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(AttachmentsE2ETest.multipart(boundary,
                        AttachmentsE2ETest.Part.file("a.txt", "text/plain", bytes))))
                .build());
    }

    @Test
    void aKeyThatIsNoKeyIsRefusedAndARefusedRequestKeepsNothing() {
        for (String bad : new String[]{"", "with space", "x".repeat(256)}) {
            Api.Response r = api.send(api.request("/v1/conversations", ada).header("Content-Type", "application/json")
                    .header("Idempotency-Key", bad).POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"t\"}")).build());
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.body().at("/error/details/fields/Idempotency-Key/0").asString()).isEqualTo("must be 1 to 255 visible ASCII characters");
        }
        // a refused request changed nothing and keeps nothing: the key carries the corrected request
        String key = "invalid-" + UUID.randomUUID();
        Api.Response invalid = send("POST", "/v1/conversations", ada, key, "{\"title\": \"\"}");
        assertThat(invalid.status()).isEqualTo(422);
        Api.Response again = send("POST", "/v1/conversations", ada, key, "{\"title\": \"\"}");
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.header("Idempotent-Replayed")).isNull();
        Api.Response corrected = send("POST", "/v1/conversations", ada, key, "{\"title\": \"corrected\"}");
        assertThat(corrected.status()).isEqualTo(201);
        assertThat(send("POST", "/v1/conversations", ada, key, "{\"title\": \"corrected\"}").header("Idempotent-Replayed"))
                .isEqualTo("true");
    }
}
