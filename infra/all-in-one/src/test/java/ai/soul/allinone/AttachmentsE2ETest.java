package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attachments over HTTP against the whole system (embedded Kafka, MongoDB-compatible server with
 * GridFS, H2 event store), started with small limits: 256 KB a file, 1 MB an account.
 */
class AttachmentsE2ETest {

    static final int FILE_LIMIT = 256 * 1024;
    static final int QUOTA = 1024 * 1024;

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of(), "--soul.attachments.max-file-size=256KB", "--soul.attachments.account-quota=1MB");
        base = "http://localhost:" + system.port();
        api = new Api(base);
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    /** One part of a multipart/form-data body; {@code filename} null makes it a plain field. */
    record Part(String name, String filename, String contentType, byte[] bytes) {
        static Part file(String filename, String contentType, byte[] bytes) {
            return new Part("file", filename, contentType, bytes);
        }

        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Builds the body by hand, as RFC 7578 describes it; a UTF-8 filename goes raw in the header, as browsers send it. */
    static byte[] multipart(String boundary, Part... parts) {
        var out = new ByteArrayOutputStream();
        for (Part part : parts) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(part.name()).append('"');
            if (part.filename() != null) head.append("; filename=\"").append(part.filename()).append('"');
            head.append("\r\n");
            if (part.contentType() != null) head.append("Content-Type: ").append(part.contentType()).append("\r\n");
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.bytes());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static Api.Response upload(String key, String conversationId, Part... parts) {
        String boundary = "----soul" + UUID.randomUUID();
        return api.send(api.request("/v1/conversations/" + conversationId + "/attachments", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, parts))).build());
    }

    static HttpResponse<byte[]> download(String key, String attachmentId, String accept) {
        var builder = HttpRequest.newBuilder(URI.create(base + "/v1/attachments/" + attachmentId + "/content"))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).GET();
        if (accept != null) builder.header("Accept", accept);
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String account() {
        return api.register("att-" + UUID.randomUUID() + "@example.com");
    }

    static String conversation(String key) {
        Api.Response created = api.post("/v1/conversations", key, "{\"title\": \"Specs\", \"content\": \"Requirements attached\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.body().get("id").asString();
    }

    static byte[] everyByteValue(int repeat) {
        byte[] bytes = new byte[256 * repeat];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
        return bytes;
    }

    static void assertError(Api.Response r, int status, String code) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.body().get("error").get("code").asString()).isEqualTo(code);
        assertThat(r.body().get("error").get("status").asInt()).isEqualTo(status);
    }

    @Test
    void aBinaryFileRoundTripsByteForByteAndIsListedShownAndDeleted() {
        String key = account();
        String conv = conversation(key);
        byte[] bytes = everyByteValue(40);
        String name = "Résumé – 季度 \"final\" report.png";

        Api.Response up = upload(key, conv, Part.file(name, "image/png", bytes));
        assertThat(up.status()).as(up.raw().body()).isEqualTo(201);
        String id = up.body().get("id").asString();
        assertThat(id).matches("att_[0-9A-Z]{26}");
        assertThat(up.body().get("filename").asString()).isEqualTo(name);
        assertThat(up.body().get("size").asLong()).isEqualTo(bytes.length);
        assertThat(up.body().get("mime_type").asString()).isEqualTo("image/png");
        assertThat(up.body().get("url").asString()).isEqualTo(base + "/v1/attachments/" + id + "/content");
        assertThat(up.body().get("created_at").asString()).endsWith("Z");
        assertThat(up.header("Location")).isEqualTo(base + "/v1/attachments/" + id + "/content");

        // a download may ask for the file's own type: it is not a JSON answer
        HttpResponse<byte[]> down = download(key, id, "image/png");
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.body()).isEqualTo(bytes);
        assertThat(down.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(down.headers().firstValueAsLong("Content-Length")).hasValue(bytes.length);
        assertThat(down.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment;").contains("filename*=UTF-8''R%C3%A9sum%C3%A9");

        Api.Response list = api.get("/v1/conversations/" + conv + "/attachments", key);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("data")).hasSize(1);
        JsonNode listed = list.body().get("data").get(0);
        assertThat(listed).isEqualTo(up.body());
        assertThat(list.body().get("meta").get("total").asInt()).isEqualTo(1);

        Api.Response conversation = api.get("/v1/conversations/" + conv, key);
        assertThat(conversation.body().get("title").asString()).isEqualTo("Specs");
        assertThat(conversation.body().get("attachments")).hasSize(1);
        JsonNode shown = conversation.body().get("attachments").get(0);
        assertThat(shown.get("id").asString()).isEqualTo(id);
        assertThat(shown.get("filename").asString()).isEqualTo(name);
        assertThat(shown.get("size").asLong()).isEqualTo(bytes.length);
        assertThat(shown.get("mime_type").asString()).isEqualTo("image/png");
        assertThat(shown.get("url").asString()).isEqualTo(up.body().get("url").asString());
        // a write answers with the conversation as a read shows it, attachments included
        Api.Response patched = api.patch("/v1/conversations/" + conv, key, "{\"title\": \"Specs v2\"}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body().get("attachments")).isEqualTo(conversation.body().get("attachments"));
        assertThat(api.get("/v1/conversations/" + conv, key).body()).isEqualTo(patched.body());

        Api.Response deleted = api.delete("/v1/attachments/" + id, key);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("deleted").asBoolean()).isTrue();
        assertThat(deleted.body().get("id").asString()).isEqualTo(id);

        HttpResponse<byte[]> gone = download(key, id, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(new String(gone.body(), StandardCharsets.UTF_8)).contains("\"not_found\"");
        assertThat(api.get("/v1/conversations/" + conv + "/attachments", key).body().get("data")).isEmpty();
        assertThat(api.get("/v1/conversations/" + conv, key).body().get("attachments")).isEmpty();
        assertError(api.delete("/v1/attachments/" + id, key), 404, "not_found");
    }

    @Test
    void theFilenameFieldWinsLosesItsDirectoriesAndTheTypeIsGuessedFromIt() {
        String key = account();
        String conv = conversation(key);
        Api.Response up = upload(key, conv, Part.file("blob", "application/octet-stream", "hello\n".getBytes(StandardCharsets.UTF_8)),
                Part.field("filename", "C:\\Users\\ada\\notes – 2024.txt"));
        assertThat(up.status()).as(up.raw().body()).isEqualTo(201);
        assertThat(up.body().get("filename").asString()).isEqualTo("notes – 2024.txt");
        assertThat(up.body().get("mime_type").asString()).isEqualTo("text/plain");
        assertThat(up.body().get("size").asLong()).isEqualTo(6);
    }

    /** Finding 13 of issue 10: RLO, CRLF and control bytes in a name are not stored, and never reach a header. */
    @Test
    void hostileFilenamesAreStoredCleanAndDownloadWithASafeContentDisposition() {
        String key = account();
        String conv = conversation(key);
        byte[] bytes = "MZ".getBytes(StandardCharsets.UTF_8);
        // the right-to-left override in the part's own filename, raw UTF-8 as a browser sends it
        Api.Response rlo = upload(key, conv, Part.file("invoice\u202Efdp.exe", "application/octet-stream", bytes));
        assertThat(rlo.status()).as(rlo.raw().body()).isEqualTo(201);
        assertThat(rlo.body().get("filename").asString()).isEqualTo("invoicefdp.exe");
        assertThat(contentDisposition(key, rlo.body().get("id").asString()))
                .isEqualTo("attachment; filename=\"invoicefdp.exe\"; filename*=UTF-8''invoicefdp.exe");
        // CRLF, BEL, ESC and 0x01 through the filename field (a part's header cannot carry a raw line break)
        Api.Response crlf = upload(key, conv, Part.file("blob", "text/plain", bytes),
                Part.field("filename", "report\r\nSet-Cookie: a=b\u0001\u0007\u001B.txt"));
        assertThat(crlf.status()).as(crlf.raw().body()).isEqualTo(201);
        assertThat(crlf.body().get("filename").asString()).isEqualTo("report Set-Cookie: a=b.txt");
        assertThat(contentDisposition(key, crlf.body().get("id").asString()))
                .isEqualTo("attachment; filename=\"report Set-Cookie: a=b.txt\"; filename*=UTF-8''report%20Set-Cookie%3A%20a%3Db.txt");
        Api.Response listed = api.get("/v1/conversations/" + conv + "/attachments", key);
        assertThat(listed.body().get("data").valueStream().map(a -> a.get("filename").asString()))
                .containsExactly("invoicefdp.exe", "report Set-Cookie: a=b.txt");
        // a name that is nothing but invisible characters is refused, naming the field
        Api.Response invisible = upload(key, conv, Part.file("blob", "text/plain", bytes), Part.field("filename", "\u202E\u0007\u200B"));
        assertError(invisible, 422, "validation_error");
        assertThat(invisible.body().get("error").get("details").get("fields").properties()).extracting(Map.Entry::getKey)
                .containsExactly("filename");

        // a name stored before this rule (written into the read model here) still leaves as a clean header
        system.context().getBean("readModels", com.mongodb.client.MongoDatabase.class).getCollection("attachments")
                .updateOne(com.mongodb.client.model.Filters.eq("_id", rlo.body().get("id").asString()),
                        com.mongodb.client.model.Updates.set("filename", "r\u00E9sum\u00E9\u202Efdp.exe\r\n\u0001\u0007\u001B"));
        assertThat(contentDisposition(key, rlo.body().get("id").asString()))
                .isEqualTo("attachment; filename=\"resumefdp.exe\"; filename*=UTF-8''r%C3%A9sum%C3%A9fdp.exe");
    }

    /** The header as it arrived, every byte printable ASCII. */
    static String contentDisposition(String key, String attachmentId) {
        HttpResponse<byte[]> down = download(key, attachmentId, null);
        assertThat(down.statusCode()).isEqualTo(200);
        String header = down.headers().firstValue("Content-Disposition").orElseThrow();
        assertThat(header.chars()).allMatch(c -> c >= 0x20 && c <= 0x7E);
        return header;
    }

    @Test
    void aFileOverTheLimitIs413AndNothingIsStored() {
        String key = account();
        String conv = conversation(key);
        Api.Response r = upload(key, conv, Part.file("big.bin", "application/octet-stream", new byte[FILE_LIMIT + 1]));
        assertError(r, 413, "payload_too_large");
        assertThat(r.body().get("error").get("message").asString()).contains(Integer.toString(FILE_LIMIT));
        assertThat(api.get("/v1/conversations/" + conv + "/attachments", key).body().get("data")).isEmpty();
        // nothing was reserved either: the whole quota is still free
        for (int i = 0; i < 4; i++) {
            assertThat(upload(key, conv, Part.file("part" + i + ".bin", null, new byte[FILE_LIMIT])).status()).isEqualTo(201);
        }
    }

    @Test
    void theQuotaRefusesWhatDoesNotFitWithTheFiguresAndADeletionFreesSpace() {
        String key = account();
        String conv = conversation(key);
        int size = 200 * 1024;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Api.Response up = upload(key, conv, Part.file("f" + i + ".bin", null, new byte[size]));
            assertThat(up.status()).as(up.raw().body()).isEqualTo(201);
            ids.add(up.body().get("id").asString());
        }
        Api.Response refused = upload(key, conv, Part.file("one-too-many.bin", null, new byte[size]));
        assertError(refused, 413, "storage_quota_exceeded");
        JsonNode details = refused.body().get("error").get("details");
        assertThat(details.get("used_bytes").asLong()).isEqualTo(5L * size);
        assertThat(details.get("limit_bytes").asLong()).isEqualTo(QUOTA);
        assertThat(details.get("file_bytes").asLong()).isEqualTo(size);
        assertThat(api.get("/v1/conversations/" + conv + "/attachments", key).body().get("data")).hasSize(5);

        assertThat(api.delete("/v1/attachments/" + ids.get(0), key).status()).isEqualTo(200);
        assertThat(upload(key, conv, Part.file("fits-again.bin", null, new byte[size])).status()).isEqualTo(201);
    }

    /**
     * Finding 6 of issue 10: exports share the quota with attachments. A zip of 800 KB of attachments
     * does not fit beside them in 1 MB: the export fails saying why, and nothing of it stays stored.
     * A small export fits, counts, and a file that then would not fit beside it is refused.
     */
    @Test
    void anExportThatWouldExceedTheQuotaFailsWithTheReasonAndExportsCountAgainstIt() {
        String key = account();
        String conv = conversation(key);
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 4; i++) {
            byte[] noise = new byte[200_000];
            random.nextBytes(noise);
            assertThat(upload(key, conv, Part.file("n" + i + ".bin", null, noise)).status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/conversations/" + conv + "/attachments", key).body().get("data").size() == 4);

        JsonNode failed = ExportsE2ETest.exportAndAwaitOutcome(api, key, "{\"format\": \"json\", \"options\": {\"include_attachments\": true}}");
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error").asString()).startsWith("Storage quota exceeded: the file is ")
                .contains(" of the account's " + QUOTA + " bytes are in use");
        assertThat(failed.has("download_url")).isFalse();
        assertThat(system.context().getBean("exportBucket", com.mongodb.client.gridfs.GridFSBucket.class)
                .find(com.mongodb.client.model.Filters.eq("metadata.export_id", failed.get("id").asString())).first()).isNull();

        JsonNode small = ExportsE2ETest.exportAndAwaitOutcome(api, key, "{\"format\": \"csv\"}");
        assertThat(small.get("status").asString()).isEqualTo("completed");
        // the rest of the quota fits a file no more once the export counts too
        long left = QUOTA - 800_000;
        byte[] fits = new byte[(int) left];
        Api.Response refused = upload(key, conv, Part.file("exactly-the-rest.bin", null, fits));
        assertError(refused, 413, "storage_quota_exceeded");
        assertThat(refused.body().get("error").get("details").get("used_bytes").asLong()).isGreaterThan(800_000);
        assertThat(api.delete("/v1/exports/" + small.get("id").asString(), key).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> upload(key, conv, Part.file("exactly-the-rest.bin", null, fits)).status() == 201);
    }

    @Test
    void deletingTheConversationDeletesItsAttachmentsAndFreesTheirSpace() {
        String key = account();
        String conv = conversation(key);
        String id = upload(key, conv, Part.file("a.bin", null, new byte[FILE_LIMIT])).body().get("id").asString();
        for (int i = 0; i < 3; i++) {
            assertThat(upload(key, conv, Part.file("b" + i + ".bin", null, new byte[FILE_LIMIT])).status()).isEqualTo(201);
        }
        assertThat(api.delete("/v1/conversations/" + conv, key).status()).isEqualTo(200);
        assertThat(download(key, id, null).statusCode()).isEqualTo(404);
        assertError(api.delete("/v1/attachments/" + id, key), 404, "not_found");
        // the space comes back through the cleanup processor, shortly after
        String other = conversation(key);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(upload(key, other, Part.file("after.bin", null, new byte[FILE_LIMIT])).status()).isEqualTo(201));
        for (int i = 0; i < 3; i++) {
            assertThat(upload(key, other, Part.file("c" + i + ".bin", null, new byte[FILE_LIMIT])).status()).isEqualTo(201);
        }
    }

    @Test
    void anotherAccountsIdsAnswer404LikeUnknownOnes() {
        String owner = account();
        String conv = conversation(owner);
        String id = upload(owner, conv, Part.file("secret.txt", "text/plain", "mine".getBytes(StandardCharsets.UTF_8)))
                .body().get("id").asString();
        String stranger = account();
        String unknownConv = "conv_01JZZZZZZZZZZZZZZZZZZZZZZZ";
        String unknownAtt = "att_01JZZZZZZZZZZZZZZZZZZZZZZZ";

        for (String c : List.of(conv, unknownConv, "not-an-id")) {
            assertError(upload(stranger, c, Part.file("x.txt", "text/plain", new byte[3])), 404, "not_found");
            assertError(api.get("/v1/conversations/" + c + "/attachments", stranger), 404, "not_found");
        }
        for (String a : List.of(id, unknownAtt, "att_short")) {
            HttpResponse<byte[]> down = download(stranger, a, null);
            assertThat(down.statusCode()).isEqualTo(404);
            assertThat(new String(down.body(), StandardCharsets.UTF_8)).contains("\"not_found\"");
            assertError(api.delete("/v1/attachments/" + a, stranger), 404, "not_found");
        }
        // the owner's attachment is untouched, and the stranger stored nothing
        assertThat(download(owner, id, null).body()).isEqualTo("mine".getBytes(StandardCharsets.UTF_8));
        assertThat(api.get("/v1/conversations/" + conv + "/attachments", owner).body().get("data")).hasSize(1);
    }

    @Test
    void jsonIs415AndAMissingFilePartIs422() {
        String key = account();
        String conv = conversation(key);
        Api.Response json = api.post("/v1/conversations/" + conv + "/attachments", key, "{\"file\": \"aGVsbG8=\"}");
        assertError(json, 415, "unsupported_media_type");
        assertThat(json.body().get("error").get("message").asString()).contains("multipart/form-data");

        Api.Response noFile = upload(key, conv, Part.field("filename", "a.txt"));
        assertError(noFile, 422, "validation_error");
        assertThat(noFile.body().get("error").get("details").get("fields").get("file")).isNotEmpty();

        Api.Response noName = upload(key, conv, Part.file("", "text/plain", new byte[3]));
        assertError(noName, 422, "validation_error");
        assertThat(noName.body().get("error").get("details").get("fields").get("filename")).isNotEmpty();
        assertThat(api.get("/v1/conversations/" + conv + "/attachments", key).body().get("data")).isEmpty();
    }

    @Test
    void concurrentUploadsNeverExceedTheQuota() throws Exception {
        String key = account();
        String conv = conversation(key);
        int size = 200 * 1024;
        int fits = QUOTA / size; // 5
        int tries = 12;
        ExecutorService pool = Executors.newFixedThreadPool(tries);
        try {
            List<Callable<Api.Response>> uploads = new ArrayList<>();
            for (int i = 0; i < tries; i++) {
                String name = "parallel-" + i + ".bin";
                uploads.add(() -> upload(key, conv, Part.file(name, null, new byte[size])));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Api.Response> f : pool.invokeAll(uploads)) {
                Api.Response r = f.get();
                statuses.add(r.status());
                if (r.status() != 201) assertError(r, 413, "storage_quota_exceeded");
            }
            assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(fits);
            assertThat(statuses.stream().filter(s -> s == 413).count()).isEqualTo(tries - fits);
        } finally {
            pool.shutdown();
        }
        assertThat(api.get("/v1/conversations/" + conv + "/attachments", key).body().get("data")).hasSize(fits);
    }
}
