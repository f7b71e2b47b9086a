package ai.soul.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Everything survives a stop and a start on the same data directory, nothing is applied twice, and new writes work. */
class RestartE2ETest {

    @TempDir
    Path data;

    @Test
    void dataSurvivesARestartAndNoEventIsAppliedTwice() {
        String key;
        String id;
        JsonNode before;
        try (LocalSystem system = LocalSystem.start(data, 0, Map.of())) {
            Api api = new Api("http://localhost:" + system.port());
            key = api.register("restart@example.com");
            id = api.post("/v1/conversations", key, "{\"title\": \"Before the restart\", \"metadata\": {\"n\": 1}}").body().get("id").asString();
            for (int i = 0; i < 3; i++) {
                api.post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"message " + i + "\"}");
            }
            api.patch("/v1/conversations/" + id, key, "{\"metadata\": {\"m\": 2}}");
            before = api.get("/v1/conversations/" + id, key).body();
            assertThat(before.get("message_count").asInt()).isEqualTo(3);
        }

        try (LocalSystem system = LocalSystem.start(data, 0, Map.of())) {
            Api api = new Api("http://localhost:" + system.port());
            // the same key, the same conversation, unchanged
            assertThat(api.get("/v1/conversations/" + id, key).body()).isEqualTo(before);
            assertThat(api.get("/v1/conversations/" + id + "/messages", key).body().get("meta").get("total").asLong()).isEqualTo(3);
            // the email is still taken
            assertThat(api.post("/v1/auth/register", null, "{\"email\":\"restart@example.com\",\"password\":\"long enough\"}").status())
                    .isEqualTo(409);

            var posted = api.post("/v1/conversations/" + id + "/messages", key, "{\"content\": \"after the restart\"}");
            assertThat(posted.status()).isEqualTo(201);
            assertThat(posted.body().get("index").asInt()).isEqualTo(3);
            JsonNode after = api.get("/v1/conversations/" + id, key).body();
            assertThat(after.get("message_count").asInt()).isEqualTo(4);
            assertThat(after.get("metadata").get("n").asInt()).isEqualTo(1);
            assertThat(after.get("metadata").get("m").asInt()).isEqualTo(2);
            assertThat(api.get("/v1/conversations", key).body().get("meta").get("total").asLong()).isEqualTo(1);
        }
    }
}
