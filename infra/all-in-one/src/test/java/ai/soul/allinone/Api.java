package ai.soul.allinone;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the tests: what a developer calling the API would do, nothing framework-specific. */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, JsonNode body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final String baseUrl;

    Api(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Response get(String path, String key) {
        return send(request(path, key).GET().build());
    }

    Response post(String path, String key, String json) {
        return send(request(path, key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Response patch(String path, String key, String json) {
        return send(request(path, key).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Response delete(String path, String key) {
        return send(request(path, key).DELETE().build());
    }

    Response send(String method, String path, String key, String contentType, String body) {
        var builder = request(path, key).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) builder.header("Content-Type", contentType);
        return send(builder.build());
    }

    HttpRequest.Builder request(String path, String key) {
        var builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (key != null) builder.header("Authorization", "Bearer " + key);
        return builder;
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers a new account and answers its API key. */
    String register(String email) {
        Response r = post("/v1/auth/register", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}");
        if (r.status() != 201) throw new AssertionError("register failed: " + r.raw().body());
        return r.body().get("api_key").asString();
    }
}
