package ai.soul.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a developer's program does against the API, asynchronously: register accounts, create
 * conversations, post messages, read them back. Plain JDK HTTP/1.1, no framework.
 */
final class Client {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** An acknowledged write: a conversation ({@code index} = -1) or a message at {@code index}. */
    record Write(String conversationId, String messageId, int index) {
        boolean isConversation() {
            return messageId == null;
        }
    }

    /** One account with its key and the conversations the client created in it. */
    static final class Account {
        final String key;
        final String id;
        final List<String> conversations = new ArrayList<>();

        Account(String key, String id) {
            this.key = key;
            this.id = id;
        }

        synchronized void add(String conversationId) {
            conversations.add(conversationId);
        }

        synchronized String any() {
            return conversations.get(ThreadLocalRandom.current().nextInt(conversations.size()));
        }

        synchronized List<String> snapshot() {
            return List.copyOf(conversations);
        }

        synchronized int size() {
            return conversations.size();
        }
    }

    private final HttpClient http;
    private final String base;

    Client(String baseUrl) {
        this.base = baseUrl;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    String base() {
        return base;
    }

    CompletableFuture<Response> send(String method, String path, String key, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) request.header("Content-Type", "application/json");
        if (key != null) request.header("Authorization", "Bearer " + key);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.body()));
    }

    Response sendNow(String method, String path, String key, String json) {
        return send(method, path, key, json).join();
    }

    /** Attaches a file to a conversation (multipart/form-data, one part named file). */
    Response upload(String key, String conversationId, String filename, byte[] bytes) {
        String boundary = "bench" + Long.toHexString(System.nanoTime());
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + bytes.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(bytes, 0, body, head.length, bytes.length);
        System.arraycopy(tail, 0, body, head.length + bytes.length, tail.length);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/conversations/" + conversationId + "/attachments"))
                .timeout(TIMEOUT).header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> new Response(r.statusCode(), r.body())).join();
    }

    Account register(String email) {
        Response r = sendNow("POST", "/v1/auth/register", null,
                json(Map.of("email", email, "password", "bench-" + Long.toHexString(email.hashCode()) + "-pw", "name", "Bench")));
        if (!r.ok()) throw new IllegalStateException("register " + email + ": " + r.status() + " " + r.body());
        return new Account(r.json().get("api_key").asText(), r.json().get("user_id").asText());
    }

    CompletableFuture<Write> createConversation(Account account) {
        String body = json(Map.of("title", Text.title(), "content", Text.paragraph(), "source", "api"));
        return send("POST", "/v1/conversations", account.key, body).thenApply(r -> {
            if (!r.ok()) throw new Failed(r);
            String id = r.json().get("id").asText();
            account.add(id);
            return new Write(id, null, -1);
        });
    }

    CompletableFuture<Write> postMessage(Account account, String conversationId) {
        return send("POST", "/v1/conversations/" + conversationId + "/messages", account.key, json(Map.of("content", Text.sentence())))
                .thenApply(r -> {
                    if (!r.ok()) throw new Failed(r);
                    JsonNode m = r.json();
                    return new Write(conversationId, m.get("id").asText(), m.get("index").asInt());
                });
    }

    /** The benchmark's write mix: one conversation in ten, otherwise a message to one of the account's conversations. */
    CompletableFuture<Write> write(Account account) {
        if (account.size() == 0 || ThreadLocalRandom.current().nextInt(10) == 0) {
            return createConversation(account);
        }
        return postMessage(account, account.any());
    }

    /** Completes when a GET through the query API shows the write (retrying a miss every 5 ms). */
    CompletableFuture<Void> awaitVisible(Account account, Write write, Executor delayer) {
        String path = write.isConversation() ? "/v1/conversations/" + write.conversationId()
                : "/v1/conversations/" + write.conversationId() + "/messages?per_page=1&page=" + (write.index() + 1);
        String expected = write.isConversation() ? write.conversationId() : write.messageId();
        return send("GET", path, account.key, null).thenCompose(r -> {
            if (r.ok() && r.body().contains('"' + expected + '"')) {
                return CompletableFuture.completedFuture(null);
            }
            if (r.status() >= 500) throw new Failed(r);
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS, delayer))
                    .thenCompose(x -> awaitVisible(account, write, delayer));
        });
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A non-2xx answer where success was expected. */
    static final class Failed extends RuntimeException {
        final int status;

        Failed(Response r) {
            super(r.status() + " " + (r.body().length() > 300 ? r.body().substring(0, 300) : r.body()), null, false, false);
            this.status = r.status();
        }
    }
}
