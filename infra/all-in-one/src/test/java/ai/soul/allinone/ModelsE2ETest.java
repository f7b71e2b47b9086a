package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/models} over HTTP against the whole system, with the default (local) engine. */
class ModelsE2ETest {

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;
    static String key;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
        key = api.register("models-" + UUID.randomUUID() + "@example.com");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void theLocalEngineIsTheOnlyLanguageModel() {
        Api.Response response = api.get("/v1/models?type=llm", key);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().isArray()).isTrue();
        assertThat(response.body().size()).isEqualTo(1);
        JsonNode model = response.body().get(0);
        assertThat(model.get("id").asString()).isEqualTo("local-extractive-1");
        assertThat(model.get("name").asString()).contains("Local extractive engine");
        assertThat(model.get("type").asString()).isEqualTo("llm");
        assertThat(model.get("max_context").asInt()).isPositive();
        assertThat(model.get("cost_per_1k_tokens").asDouble()).isZero();
    }

    @Test
    void thereIsNoImageModelWithoutAnImageProvider() {
        Api.Response response = api.get("/v1/models?type=sd", key);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().isArray()).isTrue();
        assertThat(response.body().size()).isZero();
    }

    @Test
    void theTypeIsRequiredAndMustBeKnown() {
        for (String path : new String[]{"/v1/models", "/v1/models?type=", "/v1/models?type=gpt", "/v1/models?type=LLM"}) {
            Api.Response response = api.get(path, key);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.body().get("error").get("code").asString()).as(path).isEqualTo("bad_request");
            assertThat(response.body().get("error").get("details").get("fields").has("type")).as(path).isTrue();
        }
    }

    @Test
    void aKeyIsNeeded() {
        Api.Response response = api.get("/v1/models?type=llm", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body().get("error").get("code").asString()).isEqualTo("unauthorized");
    }
}
