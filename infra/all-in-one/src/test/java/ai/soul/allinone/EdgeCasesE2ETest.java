package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests, over real HTTP, for requests that used to get a 500, an HTML page or an empty
 * body instead of the error envelope (found by {@link BadInputPropertiesTest}). Requests a Java HTTP
 * client will not send (malformed escapes, oversized header sections) go over a plain socket exactly
 * as written here.
 */
class EdgeCasesE2ETest {

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;
    static String key;
    static String conversation;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
        key = api.register("edge-" + UUID.randomUUID() + "@example.com");
        conversation = api.post("/v1/conversations", key, "{\"title\": \"Untouched\", \"messages\": [{\"content\": \"first\"}]}")
                .body().get("id").asString();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    int conversationsBefore;

    @BeforeEach
    void countConversations() {
        conversationsBefore = conversationCount();
    }

    // ------------------------------------------------------------------ 1: query strings Tomcat cannot decode

    @ParameterizedTest
    @ValueSource(strings = {"page=%zz", "foo=%", "sort=%FF", "page=%ED%A0%80", "per_page=%4", "x=abc%", "page=1&q=%C3%28"})
    void aQueryStringThatCannotBeDecodedIsABadRequest(String query) {
        for (String path : List.of("/v1/conversations", "/v1/conversations/" + conversation + "/messages")) {
            Raw answer = raw("GET", path + "?" + query, List.of("Authorization: Bearer " + key), null);
            assertEnvelope(answer, 400, "bad_request");
        }
    }

    // ------------------------------------------------------------------ 2: multipart without a boundary

    @ParameterizedTest
    @ValueSource(strings = {"multipart/form-data", "multipart/mixed", "multipart/form-data; charset=utf-8",
            "multipart/form-data; boundary=----x"})
    void multipartIsTheWrongMediaTypeEvenWithoutABoundary(String type) {
        String body = "{\"title\": \"Not created\", \"content\": \"x\", \"email\": \"mp-" + UUID.randomUUID()
                + "@example.com\", \"password\": \"long enough\"}";
        assertEnvelope(api.send("POST", "/v1/conversations", key, type, body), 415, "unsupported_media_type");
        assertEnvelope(api.send("PATCH", "/v1/conversations/" + conversation, key, type, body), 415, "unsupported_media_type");
        assertEnvelope(api.send("POST", "/v1/conversations/" + conversation + "/messages", key, type, body), 415, "unsupported_media_type");
        assertEnvelope(api.send("POST", "/v1/auth/register", null, type, body), 415, "unsupported_media_type");
        assertNothingChanged();
    }

    // ------------------------------------------------------------------ 3: form bodies, a stray '%' included

    @ParameterizedTest
    @ValueSource(strings = {"title=100%", "title=ok", "title=%zz&content=%FF"})
    void aFormBodyIsTheWrongMediaType(String form) {
        String type = "application/x-www-form-urlencoded";
        assertEnvelope(api.send("PATCH", "/v1/conversations/" + conversation, key, type, form), 415, "unsupported_media_type");
        assertEnvelope(api.send("POST", "/v1/conversations", key, type, form), 415, "unsupported_media_type");
        assertEnvelope(api.send("POST", "/v1/conversations/" + conversation + "/messages", key, type, form), 415, "unsupported_media_type");
        assertEnvelope(api.send("POST", "/v1/auth/register", null, type,
                "email=form-" + UUID.randomUUID() + "%40example.com&password=100%"), 415, "unsupported_media_type");
        assertNothingChanged();
    }

    // ------------------------------------------------------------------ 4: passwords and bcrypt's 72 bytes

    @Test
    void passwordsAreLimitedToSeventyTwoBytesOfUtf8() {
        String email = "bytes-" + UUID.randomUUID() + "@example.com";
        String seventyThreeBytes = "\u20AC".repeat(24) + "x"; // 25 characters
        var tooLong = register(email, seventyThreeBytes);
        assertEnvelope(tooLong, 422, "validation_error");
        assertThat(tooLong.body().at("/error/details/fields").propertyNames()).containsExactly("password");
        assertThat(tooLong.body().at("/error/details/fields/password/0").asString()).contains("72 bytes");
        assertEnvelope(register(email, "p".repeat(73)), 422, "validation_error");
        assertEnvelope(register(email, "\uD83D\uDE00".repeat(19)), 422, "validation_error"); // 76 bytes

        String seventyTwoBytes = "\u20AC".repeat(24);
        assertThat(register(email, seventyTwoBytes).status()).isEqualTo(201);
        // a taken email is answered like a free one, however long (and however hashable) the password
        assertThat(register(email.toUpperCase(Locale.ROOT), seventyTwoBytes).status()).isEqualTo(201);
        assertThat(register(email, "p".repeat(72)).status()).isEqualTo(201);
        // and a broken rule like for a free one, as for a password that is too short
        assertEnvelope(register(email, seventyThreeBytes), 422, "validation_error");
        assertEnvelope(register(email, "short"), 422, "validation_error");
    }

    private static Api.Response register(String email, String password) {
        return api.post("/v1/auth/register", null, "{\"email\": \"" + email + "\", \"password\": \"" + password + "\"}");
    }

    // ------------------------------------------------------------------ 5: /error is not a route

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE"})
    void errorRequestedDirectlyIsNotFound(String method) {
        for (String auth : new String[]{null, "Authorization: Bearer " + key, "X-API-Key: sk_unknown"}) {
            List<String> headers = new ArrayList<>();
            if (auth != null) headers.add(auth);
            byte[] body = method.equals("GET") || method.equals("DELETE") ? null : utf8("{\"title\": \"x\"}");
            if (body != null) headers.add("Content-Type: application/json");
            assertEnvelope(raw(method, "/error", headers, body), 404, "not_found");
        }
    }

    // ------------------------------------------------------------------ 6: what Tomcat refuses before the application

    @ParameterizedTest
    @ValueSource(strings = {"%00", "%2F", "%5C", "%25%00", "%FF", "%C3%28", "%ED%A0%80", "%C0%AF", "%zz", "%", "%4", "%G0"})
    void aPathTomcatRefusesGetsTheEnvelope(String bad) {
        for (String method : List.of("GET", "DELETE", "PATCH")) {
            Raw answer = raw(method, "/v1/conversations/conv_0123" + bad, List.of("Authorization: Bearer " + key), null);
            assertEnvelope(answer, 400, "bad_request");
        }
    }

    @Test
    void aRequestLineOver8KbGetsTheEnvelope() {
        assertEnvelope(raw("GET", "/v1/conversations/conv_" + "0".repeat(9000), List.of("Authorization: Bearer " + key), null),
                400, "bad_request");
        assertEnvelope(raw("GET", "/v1/conversations?q=" + "a".repeat(9000), List.of("Authorization: Bearer " + key), null),
                400, "bad_request");
    }

    @Test
    void aHeaderSectionOver8KbGetsTheEnvelope() {
        assertEnvelope(raw("GET", "/v1/conversations", List.of("Authorization: Bearer sk_" + "a".repeat(9000)), null),
                400, "bad_request");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) many.add("X-Padding-" + i + ": " + "b".repeat(100));
        assertEnvelope(raw("POST", "/v1/conversations", many, utf8("{\"title\": \"Not created\"}")), 400, "bad_request");
        assertNothingChanged();
    }

    // ------------------------------------------------------------------ 7: Accept headers that rule JSON out

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/xml", "text/plain", "image/png", "text/html, image/*",
            "text/event-stream", "text/html, application/json;q=0", "application/json;q=0", "*/*;q=0"})
    void aReadThatCannotBeAnsweredInJsonIs406WithTheEnvelope(String accept) {
        for (String path : List.of("/v1/health", "/v1/conversations", "/v1/conversations/" + conversation,
                "/v1/conversations/" + conversation + "/messages", "/v1/conversations/conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H")) {
            assertEnvelope(api.send(api.request(path, key).header("Accept", accept).GET().build()), 406, "not_acceptable");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/xml", "text/html, application/json;q=0"})
    void aWriteThatCannotBeAnsweredInJsonIsRefusedBeforeItHappens(String accept) {
        assertEnvelope(send("POST", "/v1/conversations", key, accept, "{\"title\": \"Must not exist\"}"), 406, "not_acceptable");
        assertEnvelope(send("PATCH", "/v1/conversations/" + conversation, key, accept, "{\"title\": \"Changed\"}"), 406, "not_acceptable");
        assertEnvelope(send("POST", "/v1/conversations/" + conversation + "/messages", key, accept, "{\"content\": \"no\"}"), 406, "not_acceptable");
        assertEnvelope(send("DELETE", "/v1/conversations/" + conversation, key, accept, null), 406, "not_acceptable");
        String email = "accept-" + UUID.randomUUID() + "@example.com";
        assertEnvelope(send("POST", "/v1/auth/register", null, accept, "{\"email\": \"" + email + "\", \"password\": \"long enough\"}"),
                406, "not_acceptable");
        assertNothingChanged();
        // the account was not opened either: the address is still free
        assertThat(register(email, "long enough").status()).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*/*", "application/*", "application/json", "application/json;q=0.5, text/html",
            "text/html;q=0.9, */*;q=0.1", "application/json; charset=utf-8", "text/html, application/*;q=0.2"})
    void anAcceptHeaderThatAdmitsJsonIsServed(String accept) {
        var read = accept.isEmpty() ? api.get("/v1/conversations/" + conversation, key)
                : api.send(api.request("/v1/conversations/" + conversation, key).header("Accept", accept).GET().build());
        assertThat(read.status()).as(read.raw().body()).isEqualTo(200);
        assertThat(read.header("Content-Type")).startsWith("application/json");
        assertThat(api.send(api.request("/v1/health", null).header("Accept", accept.isEmpty() ? "*/*" : accept).GET().build()).status())
                .isEqualTo(200);
        var created = send("POST", "/v1/conversations", key, accept.isEmpty() ? null : accept, "{\"title\": \"Accepted\"}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith("application/json");
        assertThat(conversationCount()).isEqualTo(conversationsBefore + 1);
        assertThat(send("DELETE", "/v1/conversations/" + created.body().get("id").asString(), key, accept.isEmpty() ? null : accept, null)
                .status()).isEqualTo(200);
    }

    @Test
    void errorsAreJsonWhateverTheAcceptHeaderSays() {
        // errors that happen once a request is past the Accept check are still written as JSON
        var unauthorized = api.send(api.request("/v1/conversations", null).header("Accept", "application/json;q=0.1, text/html").GET().build());
        assertEnvelope(unauthorized, 401, "unauthorized");
        var invalid = send("POST", "/v1/conversations", key, "text/html, */*;q=0.1", "{\"title\": 5}");
        assertEnvelope(invalid, 422, "validation_error");
        // the actuator keeps its own media types; what it cannot serve still gets the envelope
        assertEnvelope(api.send(api.request("/actuator/health", null).header("Accept", "text/html").GET().build()), 406, "not_acceptable");
        assertThat(api.send(api.request("/actuator/health", null).header("Accept", "application/vnd.spring-boot.actuator.v3+json").GET().build())
                .status()).isEqualTo(200);
        // an error the container reports (a TRACE it refuses) with an Accept that rules JSON out
        assertEnvelope(raw("TRACE", "/v1/conversations", List.of("Accept: text/html"), null), 405, "method_not_allowed");
    }

    // ------------------------------------------------------------------ helpers

    private static Api.Response send(String method, String path, String key, String accept, String json) {
        var builder = api.request(path, key)
                .method(method, json == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(json));
        if (json != null) builder.header("Content-Type", "application/json");
        if (accept != null) builder.header("Accept", accept);
        return api.send(builder.build());
    }

    private static int conversationCount() {
        return api.get("/v1/conversations", key).body().at("/meta/total").asInt();
    }

    private void assertNothingChanged() {
        assertThat(conversationCount()).isEqualTo(conversationsBefore);
        var untouched = api.get("/v1/conversations/" + conversation, key).body();
        assertThat(untouched.get("title").asString()).isEqualTo("Untouched");
        assertThat(untouched.get("message_count").asInt()).isEqualTo(1);
    }

    static void assertEnvelope(Api.Response response, int status, String code) {
        assertEnvelope(new Raw(response.status(), response.header("Content-Type"), response.raw().body()), status, code);
    }

    static void assertEnvelope(Raw response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).as(response.body()).startsWith("application/json");
        JsonNode root = Api.JSON.readTree(response.body());
        assertThat(root.propertyNames()).containsExactly("error");
        JsonNode error = root.get("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "at ai.soul", "org.apache", "<html");
    }

    record Raw(int status, String contentType, String body) {
    }

    /** One HTTP/1.1 request over a plain socket, the target and headers exactly as given. */
    static Raw raw(String method, String target, List<String> headers, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", system.port()), 2000);
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            headers.forEach(h -> head.append(h).append("\r\n"));
            if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) out.write(body);
                out.flush();
            } catch (IOException answeredEarly) {
                // the server may answer and close before it has read everything
            }
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Raw parse(byte[] all) throws IOException {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("a complete answer: " + text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        byte[] rest = Arrays.copyOfRange(all, end + 4, all.length);
        byte[] body = "chunked".equalsIgnoreCase(headers.get("Transfer-Encoding")) ? dechunk(rest) : rest;
        return new Raw(status, headers.get("Content-Type"), new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) throws IOException {
        InputStream in = new java.io.ByteArrayInputStream(chunked);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') size.append((char) c);
            }
            String hex = size.toString().split(";")[0].trim();
            if (hex.isEmpty() || Integer.parseInt(hex, 16) == 0) return out.toByteArray();
            out.write(in.readNBytes(Integer.parseInt(hex, 16)));
            in.skip(2);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
