package ai.soul.allinone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Everything survives a stop and a start on the same data directory, nothing is applied twice, and new writes work. */
class RestartE2ETest {

    @TempDir
    Path data;

    @Test
    void dataSurvivesARestartAndNoEventIsAppliedTwice() {
        String key;
        String id;
        JsonNode before;
        try (AllInOneSystem system = AllInOneSystem.start(data, 0, Map.of())) {
            Api api = new Api("http://localhost:" + system.port());
            key = api.register("restart@example.com");
            id = api.post("/v1/conversations", key, "{\"title\": \"Before the restart\", \"metadata\": {\"n\": 1}}").body().get("id").asString();
            for (int i = 0; i < 3; i++) {
                waitingForReply(api, key, id, "{\"content\": \"message " + i + "\"}");
            }
            api.patch("/v1/conversations/" + id, key, "{\"metadata\": {\"m\": 2}}");
            String conversation = id;
            before = await("the first summary").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/v1/conversations/" + conversation, key).body(), c -> c.get("status").asString().equals("completed"));
            // each message and its reply
            assertThat(before.get("message_count").asInt()).isEqualTo(6);
        }

        try (AllInOneSystem system = AllInOneSystem.start(data, 0, Map.of())) {
            Api api = new Api("http://localhost:" + system.port());
            // the same key, the same conversation, unchanged
            assertThat(api.get("/v1/conversations/" + id, key).body()).isEqualTo(before);
            assertThat(api.get("/v1/conversations/" + id + "/messages", key).body().get("meta").get("total").asLong()).isEqualTo(6);
            // the email is still the account's: its password logs into it
            var login = api.post("/v1/auth/login", null, "{\"email\":\"restart@example.com\",\"password\":\"correct horse battery\"}");
            assertThat(login.body().get("user").get("id").asString()).isEqualTo(api.get("/v1/me", key).body().get("id").asString());

            var posted = waitingForReply(api, key, id, "{\"content\": \"after the restart\"}");
            assertThat(posted.status()).isEqualTo(201);
            assertThat(posted.body().get("index").asInt()).isEqualTo(6);
            JsonNode after = api.get("/v1/conversations/" + id, key).body();
            assertThat(after.get("message_count").asInt()).isEqualTo(8);
            assertThat(after.get("metadata").get("n").asInt()).isEqualTo(1);
            assertThat(after.get("metadata").get("m").asInt()).isEqualTo(2);
            assertThat(api.get("/v1/conversations", key).body().get("meta").get("total").asLong()).isEqualTo(1);
        }
    }

    /** Posts a message and waits for the agent's reply, so the next index is known. */
    private static Api.Response waitingForReply(Api api, String key, String id, String json) {
        Api.Response posted = api.send(api.request("/v1/conversations/" + id + "/messages", key)
                .header("Content-Type", "application/json").header("Prefer", "wait=10")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        assertThat(posted.body().has("reply")).as(posted.raw().body()).isTrue();
        return posted;
    }
}
