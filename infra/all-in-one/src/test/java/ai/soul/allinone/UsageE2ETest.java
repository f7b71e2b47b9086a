package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Usage statistics over HTTP against the whole system: after a known sequence of calls the account's
 * usage and account figures show exactly those calls, and nobody else's.
 */
class UsageE2ETest {

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static String creation(String title, String content, String source) {
        return "{\"title\":\"" + title + "\",\"content\":\"" + content + "\",\"source\":\"" + source + "\"}";
    }

    @Test
    void theFiguresOfAKnownSequenceOfCalls() {
        String ada = api.register("usage-ada@example.com");
        String bob = api.register("usage-bob@example.com");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String period = "?from=" + LocalDate.now(ZoneOffset.UTC).minusDays(1) + "&to=" + LocalDate.now(ZoneOffset.UTC).plusDays(1);

        // ada: 3 creations (2 email, 1 api), 2 lists, 1 unknown id (404), 1 message with its reply
        String[] contents = {"Quarterly goals for the team", "Déjà vu: pricing again", "Short"};
        String first = null;
        for (int i = 0; i < 3; i++) {
            var created = api.post("/v1/conversations", ada, creation("Conversation " + i, contents[i], i < 2 ? "email" : "api"));
            assertThat(created.status()).isEqualTo(201);
            if (first == null) first = created.body().path("id").asString();
        }
        assertThat(api.get("/v1/conversations", ada).status()).isEqualTo(200);
        assertThat(api.get("/v1/conversations?per_page=5", ada).status()).isEqualTo(200);
        assertThat(api.get("/v1/conversations/conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K", ada).status()).isEqualTo(404);
        var posted = api.send(api.request("/v1/conversations/" + first + "/messages", ada).header("Content-Type", "application/json")
                .header("Prefer", "wait=20").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"content\":\"What are the goals?\"}")).build());
        assertThat(posted.status()).isEqualTo(201);
        String reply = posted.body().path("reply").path("content").asString();
        long textBytes = utf8(contents[0]) + utf8(contents[1]) + utf8(contents[2]) + utf8("What are the goals?") + utf8(reply);

        // bob: 1 creation, 1 404 of his own, ada's conversation (404 too)
        assertThat(api.post("/v1/conversations", bob, creation("Bob's", "hi", "whatsapp")).status()).isEqualTo(201);
        assertThat(api.get("/v1/conversations/" + first, bob).status()).isEqualTo(404);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode u = api.get("/v1/account/usage" + period, ada).body();
            assertThat(u.path("conversations").path("total").asLong()).isEqualTo(3);
            assertThat(u.path("conversations").path("by_source").path("email").asLong()).isEqualTo(2);
            assertThat(u.path("conversations").path("by_source").path("api").asLong()).isEqualTo(1);
            assertThat(u.path("messages").path("total").asLong()).isEqualTo(2);
            assertThat(u.path("messages").path("by_role").path("user").asLong()).isEqualTo(1);
            assertThat(u.path("messages").path("by_role").path("agent").asLong()).isEqualTo(1);
            // the reply and the 3 first summaries, by the local engine
            JsonNode tokens = u.path("tokens");
            JsonNode local = tokens.path("by_model").path("local-extractive-1");
            assertThat(local.path("completion").asLong()).isPositive();
            assertThat(tokens.path("total").asLong()).isEqualTo(tokens.path("prompt").asLong() + tokens.path("completion").asLong())
                    .isEqualTo(local.path("total").asLong());
            assertThat(u.path("storage").path("total_bytes").asLong()).isEqualTo(textBytes);
            assertThat(u.path("storage").path("by_type").path("attachments").asDouble()).isZero();
            JsonNode byEndpoint = u.path("api_requests").path("by_endpoint");
            assertThat(byEndpoint.path("POST /v1/conversations").asLong()).isEqualTo(3);
            assertThat(byEndpoint.path("GET /v1/conversations").asLong()).isEqualTo(2);
            assertThat(byEndpoint.path("GET /v1/conversations/{id}").asLong()).isEqualTo(1);
            assertThat(byEndpoint.path("POST /v1/conversations/{id}/messages").asLong()).isEqualTo(1);
            JsonNode byStatus = u.path("api_requests").path("by_status");
            assertThat(byStatus.path("404").asLong()).isEqualTo(1);
            assertThat(byStatus.path("201").asLong()).isEqualTo(4);
            // the usage reads themselves are requests too
            long total = u.path("api_requests").path("total").asLong();
            assertThat(total).isEqualTo(7 + byEndpoint.path("GET /v1/account/usage").asLong());
        });

        JsonNode u = api.get("/v1/account/usage" + period, ada).body();
        assertThat(u.path("period").path("from").asString()).isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
        assertThat(u.path("period").path("to").asString()).isEqualTo(LocalDate.now(ZoneOffset.UTC).plusDays(1).toString());
        assertThat(u.path("storage").path("total_mb").asDouble()).isEqualTo(0.0);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode b = api.get("/v1/account/usage", bob).body();
            assertThat(b.path("conversations").path("total").asLong()).isEqualTo(1);
            assertThat(b.path("conversations").path("by_source").path("whatsapp").asLong()).isEqualTo(1);
            assertThat(b.path("api_requests").path("by_endpoint").path("POST /v1/conversations").asLong()).isEqualTo(1);
            assertThat(b.path("api_requests").path("by_endpoint").path("GET /v1/conversations/{id}").asLong()).isEqualTo(1);
            assertThat(b.path("api_requests").path("by_endpoint").has("GET /v1/conversations")).isFalse();
            assertThat(b.path("storage").path("total_bytes").asLong()).isEqualTo(2);
        });

        // the account: the same counters, today's requests so far (this one is counted after it is answered)
        JsonNode usageNow = api.get("/v1/account/usage?from=" + today + "&to=" + today, ada).body();
        long before = usageNow.path("api_requests").path("total").asLong();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var account = api.get("/v1/account", ada);
            assertThat(account.status()).isEqualTo(200);
            JsonNode a = account.body();
            assertThat(a.path("id").asString()).startsWith("usr_");
            assertThat(a.path("email").asString()).isEqualTo("usage-ada@example.com");
            assertThat(a.path("plan").asString()).isEqualTo("enterprise");
            assertThat(a.path("storage").path("used_mb").asDouble()).isEqualTo(0.0);
            assertThat(a.path("storage").path("limit_mb").asDouble()).isEqualTo(100.0);
            assertThat(a.path("api_usage").path("requests_today").asLong()).isGreaterThan(before);
            assertThat(a.path("api_usage").path("limit_per_day").asLong()).isEqualTo(20_000_000L);
            assertThat(a.path("created_at").asString()).startsWith(today);
        });
    }

    @Test
    void badPeriodsGetTheEnvelope() {
        String key = api.register("usage-bad@example.com");
        for (String query : new String[]{"?from=2024-13-01", "?to=yesterday", "?from=2024-01-01T25:00:00Z", "?from=&to=2024-01-01"}) {
            var r = api.get("/v1/account/usage" + query, key);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.body().path("error").path("code").asString()).isEqualTo("bad_request");
        }
        var reversed = api.get("/v1/account/usage?from=2024-02-01&to=2024-01-01", key);
        assertThat(reversed.status()).isEqualTo(422);
        assertThat(reversed.body().path("error").path("details").path("fields").has("from")).isTrue();
        var tooLong = api.get("/v1/account/usage?from=2020-01-01&to=2024-01-01", key);
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.body().path("error").path("details").path("fields").has("to")).isTrue();
        var anonymous = api.get("/v1/account/usage", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.body().path("error").path("code").asString()).isEqualTo("unauthorized");
        assertThat(api.get("/v1/account", null).status()).isEqualTo(401);
        var dated = api.get("/v1/account/usage?from=2024-01-01T10:00:00%2B02:00&to=2024-01-31", key);
        assertThat(dated.status()).isEqualTo(200);
        assertThat(dated.body().path("period").path("from").asString()).isEqualTo("2024-01-01");
        assertThat(dated.body().path("api_requests").path("total").asLong()).isZero();
    }
}
