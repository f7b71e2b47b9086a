package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's smaller findings, tried as a hostile account would over real HTTP: no answer tells
 * another account's id from one that never existed (8); a page far past the end is empty, not page
 * 1 (14); the Host header never reaches a link (14); the public health shows no details and is
 * limited per address (14).
 */
class HostileRequestsE2ETest {

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;
    static String owner;
    static String stranger;
    static String conversation;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
        owner = api.register("owner-" + UUID.randomUUID() + "@example.com");
        stranger = api.register("stranger-" + UUID.randomUUID() + "@example.com");
        conversation = api.post("/v1/conversations", owner, "{\"title\": \"Private\", \"messages\": [{\"content\": \"hello\"}]}")
                .body().get("id").asString();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    /** Every request on a conversation, as the stranger makes it: the owner's id and one never created must answer alike. */
    @Test
    void anotherAccountsConversationAndOneThatNeverExistedAnswerTheSame() {
        String never = "conv_01JZZZZZZZZZZZZZZZZZZZZZZZ";
        Map<String, Function<String, Api.Response>> requests = new LinkedHashMap<>();
        requests.put("GET", id -> api.get("/v1/conversations/" + id, stranger));
        requests.put("PATCH", id -> api.patch("/v1/conversations/" + id, stranger, "{\"title\": \"mine now\"}"));
        requests.put("DELETE", id -> api.delete("/v1/conversations/" + id, stranger));
        requests.put("GET messages", id -> api.get("/v1/conversations/" + id + "/messages", stranger));
        requests.put("POST messages", id -> api.post("/v1/conversations/" + id + "/messages", stranger, "{\"content\": \"hi\"}"));
        requests.put("POST summaries", id -> api.post("/v1/conversations/" + id + "/summaries", stranger, "{}"));
        requests.put("GET attachments", id -> api.get("/v1/conversations/" + id + "/attachments", stranger));
        requests.put("POST attachments", id -> {
            String boundary = "b" + UUID.randomUUID();
            return api.send(api.request("/v1/conversations/" + id + "/attachments", stranger)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(AttachmentsE2ETest.multipart(boundary,
                            AttachmentsE2ETest.Part.file("a.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8)))))
                    .build());
        });
        requests.forEach((name, request) -> {
            Api.Response theirs = request.apply(conversation);
            Api.Response none = request.apply(never);
            assertThat(theirs.status()).as(name).isEqualTo(404);
            assertThat(none.status()).as(name).isEqualTo(404);
            assertThat(theirs.raw().body().replace(conversation, "ID")).as(name).isEqualTo(none.raw().body().replace(never, "ID"));
        });
        // and nothing of the owner's changed
        JsonNode mine = api.get("/v1/conversations/" + conversation, owner).body();
        assertThat(mine.get("title").asString()).isEqualTo("Private");
        assertThat(mine.get("message_count").asInt()).isEqualTo(1);
    }

    @Test
    void aPageFarPastTheEndIsEmptyNotTheFirst() {
        for (String list : new String[]{"/v1/conversations", "/v1/conversations/" + conversation + "/messages", "/v1/exports",
                "/v1/api-keys", "/v1/conversations/" + conversation + "/attachments"}) {
            Api.Response page = api.get(list + "?page=2147483647", owner);
            assertThat(page.status()).as(list).isEqualTo(200);
            assertThat(page.body().get("data").size()).as(list).isZero();
            assertThat(page.body().at("/meta/page").asLong()).as(list).isEqualTo(2147483647L);
        }
    }

    @Test
    void theHostHeaderNeverReachesALinkOrLocation() {
        String answer = raw("POST", "/v1/conversations", "evil.example:666", "{\"title\": \"Linked\"}");
        assertThat(answer).doesNotContain("evil.example");
        assertThat(answer).contains("Location: /v1/conversations/");
        String list = raw("GET", "/v1/conversations?per_page=1", "evil.example", null);
        assertThat(list).doesNotContain("evil.example");
        assertThat(list).contains("\"first\":\"http://localhost:" + system.port() + "/v1/conversations?per_page=1&page=1\"");
    }

    @Test
    void thePublicHealthShowsNoDetailAndIsLimitedPerAddress() {
        Api.Response health = api.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.raw().body()).doesNotContain("details", "path", "diskSpace\":{\"status\":\"UP\",\"details");
        assertThat(health.body().at("/components/mongo/status").asString()).isEqualTo("UP");
        assertThat(health.header("X-RateLimit-Limit")).isNotNull();
    }

    /** One request over a plain socket with a Host header of the client's choosing; the whole answer as text. */
    private static String raw(String method, String target, String host, String json) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", system.port()), 2000);
            socket.setSoTimeout(10_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + owner + "\r\n"
                    + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
