package ai.soul.local;

import com.mongodb.client.gridfs.GridFSBucket;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exports over HTTP against the whole system: each format's downloaded content, the zip with the
 * attachments' bytes, progress and status, another account's export, bad input, and expiry (on a
 * second system with a tiny time to live).
 */
class ExportsE2ETest {

    @TempDir
    static Path data;
    static LocalSystem system;
    static Api api;
    static String base;
    static String key;
    static String planning;
    static String unicode;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        system = LocalSystem.start(data, 0, Map.of());
        base = "http://localhost:" + system.port();
        api = new Api(base);
        key = api.register("exports-" + UUID.randomUUID() + "@example.com");
        planning = conversation(api, key, "Quarterly planning, \"Q1\"", "Can we move the review to Friday?\nIt clashes, sadly.");
        unicode = conversation(api, key, "Résumé – Привет", "Γειά σου, κόσμε; ça va? 😀");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    /** A conversation with one user message and the agent's reply to it, once the read models show both. */
    static String conversation(Api api, String key, String title, String message) {
        Api.Response created = api.post("/v1/conversations", key, "{\"title\": " + Api.JSON.writeValueAsString(title)
                + ", \"source\": \"api\", \"messages\": [{\"role\": \"user\", \"content\": " + Api.JSON.writeValueAsString(message)
                + "}, {\"role\": \"agent\", \"content\": \"Noted.\"}]}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String id = created.body().get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/conversations/" + id + "/messages", key).body().get("data").size() == 2);
        return id;
    }

    static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    static JsonNode exportAndAwait(Api api, String key, String body) {
        Api.Response r = api.post("/v1/exports", key, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        String id = r.body().get("id").asString();
        assertThat(id).matches("exp_[0-9A-Z]{26}");
        assertThat(r.body().get("status").asString()).isEqualTo("processing");
        assertThat(r.body().get("created_at").asString()).endsWith("Z");
        assertThat(r.header("Location")).endsWith("/v1/exports/" + id);
        JsonNode[] done = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Api.Response now = api.get("/v1/exports/" + id, key);
            assertThat(now.status()).isEqualTo(200);
            assertThat(now.body().get("progress").asInt()).isBetween(0, 100);
            done[0] = now.body();
            return !"processing".equals(now.body().get("status").asString());
        });
        assertThat(done[0].get("status").asString()).as(done[0].toString()).isEqualTo("completed");
        return done[0];
    }

    static HttpResponse<byte[]> download(String base, String key, String id) {
        var request = HttpRequest.newBuilder(URI.create(base + "/v1/exports/" + id + "/download"))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] downloaded(String id, String contentType) {
        HttpResponse<byte[]> r = download(base, key, id);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith(contentType);
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(r.body().length);
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;").contains(id);
        return r.body();
    }

    static void assertError(Api.Response r, int status, String code) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.body().get("error").get("code").asString()).isEqualTo(code);
    }

    @Test
    void jsonHoldsTheConversationsOfTheDaysAskedForWithTheirMessages() {
        JsonNode done = exportAndAwait(api, key, "{\"format\": \"json\", \"filters\": {\"date_from\": \"" + today() + "\", \"date_to\": \""
                + today() + "\"}}");
        String id = done.get("id").asString();
        assertThat(done.get("format").asString()).isEqualTo("json");
        assertThat(done.get("progress").asInt()).isEqualTo(100);
        assertThat(done.get("download_url").asString()).isEqualTo(base + "/v1/exports/" + id + "/download");
        assertThat(done.get("size_mb").isNumber()).isTrue();
        assertThat(Duration.between(Instant.parse(done.get("created_at").asString()), Instant.parse(done.get("expires_at").asString())))
                .isBetween(Duration.ofDays(7), Duration.ofDays(7).plusMinutes(5));
        assertThat(done.has("error")).isFalse();

        JsonNode doc = Api.JSON.readTree(downloaded(id, "application/json"));
        assertThat(doc.get("conversations")).hasSize(2);
        JsonNode first = doc.get("conversations").get(0);
        assertThat(first.get("id").asString()).isEqualTo(planning);
        assertThat(first.get("title").asString()).isEqualTo("Quarterly planning, \"Q1\"");
        assertThat(first.get("messages").get(0).get("content").asString()).isEqualTo("Can we move the review to Friday?\nIt clashes, sadly.");
        assertThat(first.get("messages").get(1).get("role").asString()).isEqualTo("agent");
        assertThat(doc.get("conversations").get(1).get("messages").get(0).get("content").asString()).isEqualTo("Γειά σου, κόσμε; ça va? 😀");
    }

    @Test
    void csvHasOneRowPerMessage() {
        JsonNode done = exportAndAwait(api, key, "{\"format\": \"csv\"}");
        String csv = new String(downloaded(done.get("id").asString(), "text/csv"), StandardCharsets.UTF_8);
        String[] rows = csv.substring(1).split("\r\n(?=conv_|$)");
        assertThat(rows[0]).startsWith("conversation_id,conversation_title,");
        assertThat(rows).hasSize(5);
        assertThat(rows[1]).startsWith(planning + ",\"Quarterly planning, \"\"Q1\"\"\",").contains("\"Can we move the review to Friday?\nIt clashes, sadly.\"");
        assertThat(rows[4]).startsWith(unicode + ",Résumé – Привет,").contains(",agent,Noted.,");
    }

    @Test
    void markdownHasAHeadingPerConversation() {
        JsonNode done = exportAndAwait(api, key, "{\"format\": \"md\", \"options\": {\"include_attachments\": false}}");
        String md = new String(downloaded(done.get("id").asString(), "text/markdown"), StandardCharsets.UTF_8);
        assertThat(md.lines().filter(l -> l.startsWith("## "))).containsExactly("## Quarterly planning, \"Q1\"", "## Résumé – Привет");
        assertThat(md).contains("Can we move the review to Friday?", "Γειά σου, κόσμε");
    }

    @Test
    void pdfShowsTheConversationsAndPreferWaitAnswersTheOutcome() throws IOException {
        Api.Response r = api.send(api.request("/v1/exports", key).header("Content-Type", "application/json").header("Prefer", "wait=30")
                .POST(HttpRequest.BodyPublishers.ofString("{\"format\": \"pdf\"}")).build());
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.header("Preference-Applied")).isEqualTo("wait=30");
        assertThat(r.body().get("status").asString()).isEqualTo("completed");
        String id = r.body().get("id").asString();
        // the read side shows the same once its read model has it
        await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(api.get("/v1/exports/" + id, key).body().get("status").asString()));
        try (PDDocument pdf = Loader.loadPDF(downloaded(id, "application/pdf"))) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("Quarterly planning, \"Q1\"", "Can we move the review to Friday?", "Noted.", "Résumé");
        }
    }

    @Test
    void aZipHoldsTheFileAndTheAttachmentsBytes() throws IOException {
        byte[] bytes = new byte[5000];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 7);
        String boundary = "----soul" + UUID.randomUUID();
        Api.Response up = api.send(api.request("/v1/conversations/" + planning + "/attachments", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(AttachmentsE2ETest.multipart(boundary,
                        AttachmentsE2ETest.Part.file("diagram.png", "image/png", bytes)))).build());
        assertThat(up.status()).as(up.raw().body()).isEqualTo(201);
        String attachment = up.body().get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/conversations/" + planning + "/attachments", key).body().get("data").size() == 1);

        JsonNode done = exportAndAwait(api, key, "{\"format\": \"json\", \"options\": {\"include_attachments\": true}}");
        byte[] zip = downloaded(done.get("id").asString(), "application/zip");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) entries.put(e.getName(), in.readAllBytes());
        }
        assertThat(entries.keySet()).containsExactly("conversations.json", "attachments/" + planning + "/" + attachment + "-diagram.png");
        assertThat(entries.get("attachments/" + planning + "/" + attachment + "-diagram.png")).isEqualTo(bytes);
        JsonNode doc = Api.JSON.readTree(entries.get("conversations.json"));
        assertThat(doc.get("conversations").get(0).get("attachments").get(0).get("filename").asString()).isEqualTo("diagram.png");
    }

    @Test
    void anotherAccountsExportIsNotFoundLikeAnUnknownOne() {
        JsonNode done = exportAndAwait(api, key, "{\"format\": \"md\"}");
        String id = done.get("id").asString();
        String other = api.register("exports-other-" + UUID.randomUUID() + "@example.com");
        assertError(api.get("/v1/exports/" + id, other), 404, "not_found");
        HttpResponse<byte[]> theirs = download(base, other, id);
        assertThat(theirs.statusCode()).isEqualTo(404);
        assertThat(new String(theirs.body(), StandardCharsets.UTF_8)).contains("\"not_found\"");
        assertError(api.get("/v1/exports/exp_01JAAAAAAAAAAAAAAAAAAAAAAA", key), 404, "not_found");
        assertError(api.get("/v1/exports/nope", key), 404, "not_found");
        assertThat(download(base, key, "exp_01JAAAAAAAAAAAAAAAAAAAAAAA").statusCode()).isEqualTo(404);
        JsonNode list = api.get("/v1/exports", other).body();
        assertThat(list.get("data")).isEmpty();
        assertThat(list.get("meta").get("total").asInt()).isZero();
        JsonNode mine = api.get("/v1/exports?per_page=100", key).body();
        assertThat(mine.get("data").valueStream().map(e -> e.get("id").asString())).contains(id);
        assertThat(mine.get("meta").get("per_page").asInt()).isEqualTo(100);
        assertThat(mine.get("links").get("first").asString()).contains("page=1");
    }

    @Test
    void badInputIsRefusedWithTheFieldsAndChangesNothing() {
        String fresh = api.register("exports-bad-" + UUID.randomUUID() + "@example.com");
        Api.Response unknown = api.post("/v1/exports", fresh, "{\"format\": \"docx\"}");
        assertError(unknown, 422, "validation_error");
        assertThat(unknown.body().get("error").get("details").get("fields").has("format")).isTrue();
        assertError(api.post("/v1/exports", fresh, "{}"), 422, "validation_error");
        Api.Response dates = api.post("/v1/exports", fresh, "{\"format\": \"csv\", \"filters\": {\"date_from\": \"2024-02-30\", \"date_to\": \"soon\"}}");
        assertError(dates, 422, "validation_error");
        assertThat(dates.body().get("error").get("details").get("fields").properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("filters.date_from", "filters.date_to");
        Api.Response order = api.post("/v1/exports", fresh, "{\"format\": \"csv\", \"filters\": {\"date_from\": \"2024-02-01\", \"date_to\": \"2024-01-01\"}}");
        assertError(order, 422, "validation_error");
        assertError(api.post("/v1/exports", fresh, "{\"format\": 5}"), 422, "validation_error");
        assertError(api.post("/v1/exports", fresh, "{\"format\": \"csv\", \"filters\": \"January\"}"), 422, "validation_error");
        assertError(api.post("/v1/exports", fresh, "{\"format\": \"csv\", \"options\": {\"include_attachments\": [1]}}"), 422, "validation_error");
        Api.Response broken = api.post("/v1/exports", fresh, "{\"format\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.body().get("error")).isNotNull();
        assertError(api.get("/v1/exports?per_page=1000", fresh), 400, "bad_request");
        assertThat(api.get("/v1/exports", fresh).body().get("meta").get("total").asInt()).isZero();
    }

    @Test
    void anExpiredExportReadsExpiredRefusesItsDownloadAndItsFileIsGone() {
        try (LocalSystem shortLived = LocalSystem.start(data.resolve("expiry"), 0, Map.of(), "--soul.exports.ttl=2s",
                "--soul.exports.sweep-interval=200ms")) {
            Api shortApi = new Api("http://localhost:" + shortLived.port());
            String k = shortApi.register("exports-expiry-" + UUID.randomUUID() + "@example.com");
            conversation(shortApi, k, "Soon gone", "This export will expire.");
            JsonNode done = exportAndAwait(shortApi, k, "{\"format\": \"md\"}");
            String id = done.get("id").asString();
            GridFSBucket bucket = shortLived.context().getBean("exportBucket", GridFSBucket.class);
            assertThat(bucket.find().into(new java.util.ArrayList<>())).hasSize(1);

            await().atMost(Duration.ofSeconds(30)).until(() -> "expired".equals(shortApi.get("/v1/exports/" + id, k).body().get("status").asString()));
            JsonNode expired = shortApi.get("/v1/exports/" + id, k).body();
            assertThat(expired.has("download_url")).isFalse();
            HttpResponse<byte[]> refused = download("http://localhost:" + shortLived.port(), k, id);
            assertThat(refused.statusCode()).isEqualTo(410);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("\"export_expired\"");
            await().atMost(Duration.ofSeconds(10)).until(() -> bucket.find().first() == null);
        }
    }
}
