package ai.soul.edge.idempotency;

import ai.soul.edge.auth.Caller;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ErrorEnvelope;
import ai.soul.edge.web.ObservedBodyRequest;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code Idempotency-Key} on every write (POST, PUT, PATCH, DELETE) of an account, whatever its handler:
 * the first answer (status, body, the headers that describe it) is kept per account and key for
 * {@code soul.idempotency.ttl} (24 h) in MongoDB, and a repeat gets it back with
 * {@code Idempotent-Replayed: true} and causes nothing. A repeat whose request differs (method, path,
 * query or body; for an upload, its parts' names, filenames, types and bytes) is 422; a repeat while
 * the first still runs waits for it on the same instance, up to {@code soul.idempotency.wait}, and is
 * otherwise 409 with {@code Retry-After: 1}.
 * <p>
 * One document per key, created by an insert on its {@code _id}: of requests racing on one key, on one
 * instance or several, exactly one runs. Only a write that took effect (2xx) keeps its answer: a refusal
 * changed nothing, so the key stays free for the corrected request (as Stripe does), and so does an
 * answer over {@value #MAX_KEPT_BYTES} bytes. A first request whose instance died holds its key until its
 * lease ({@code soul.idempotency.lease}) ends.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    static final int MAX_KEPT_BYTES = 1 << 20;
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** What describes the answer; the rest (rate limits, dates, usage) belongs to the repeat's own answer. */
    private static final List<String> KEPT_HEADERS = List.of("Location", "Content-Type", "Content-Disposition", "Preference-Applied");

    private final MongoCollection<Document> keys;
    private final Duration ttl;
    private final Duration lease;
    private final Duration wait;
    private final Clock clock;
    /** First requests running on this instance, by document id: a repeat here waits for its answer. */
    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

    public IdempotencyFilter(MongoCollection<Document> keys, Duration ttl, Duration lease, Duration wait, Clock clock) {
        this.keys = keys;
        this.ttl = ttl;
        this.lease = lease;
        this.wait = wait;
        this.clock = clock;
        // a generous timeout: at start-up under load the store's usual one is too short to build an index (issue 10, finding 11)
        keys.withTimeout(2, TimeUnit.MINUTES).createIndex(Indexes.ascending("expires_at"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        Caller caller = Caller.of(request).orElse(null);
        if (key == null || caller == null || !WRITES.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            ErrorEnvelope.write(response, ApiException.validation(Map.of(HEADER, List.of("must be 1 to 255 visible ASCII characters"))));
            return;
        }
        String id = caller.accountId() + " " + key;
        HashingRequest hashing = new HashingRequest(request);
        try {
            if (!claim(id)) {
                try {
                    repeat(id, hashing, response);
                } catch (ApiException refused) {
                    // the repeat's body, read here to compare it, broke a limit
                    ErrorEnvelope.write(response, refused);
                }
                return;
            }
        } catch (MongoException unavailable) {
            // without the store no repeat can be recognised: the client retries later with the same key
            ErrorEnvelope.write(response, ApiException.ofStatus(HttpStatus.SERVICE_UNAVAILABLE,
                    "Requests with an Idempotency-Key cannot be taken right now; retry with the same key").retryAfter(1));
            return;
        }
        first(id, hashing, response, chain);
    }

    /** True when this request is the first with its key: a new document, or one whose holder's lease ended or whose time is up. */
    private boolean claim(String id) {
        Instant now = clock.instant();
        Date leaseUntil = Date.from(now.plus(lease));
        Date expiresAt = Date.from(now.plus(ttl));
        try {
            keys.insertOne(new Document("_id", id).append("state", "running").append("lease_until", leaseUntil).append("expires_at", expiresAt));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        Date at = Date.from(now);
        return keys.findOneAndUpdate(
                Filters.and(Filters.eq("_id", id), Filters.or(
                        Filters.and(Filters.eq("state", "running"), Filters.lt("lease_until", at)),
                        Filters.lt("expires_at", at))),
                Updates.combine(Updates.set("state", "running"), Updates.set("lease_until", leaseUntil), Updates.set("expires_at", expiresAt),
                        Updates.unset("answer"), Updates.unset("fingerprint"))) != null;
    }

    private void first(String id, HashingRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        running.put(id, done);
        boolean kept = false;
        try {
            ContentCachingResponseWrapper answer = new ContentCachingResponseWrapper(response);
            // an upload's parts are gone once the handler is done; a body is hashed as the handler reads it
            String uploadFingerprint = request.multipart() ? request.fingerprint() : null;
            chain.doFilter(request, answer);
            int status = answer.getStatus();
            byte[] body = answer.getContentAsByteArray();
            if (status >= 200 && status < 300 && body.length <= MAX_KEPT_BYTES) {
                Document headers = new Document();
                for (String name : KEPT_HEADERS) {
                    // the container keeps the content type apart from the headers until it sends them
                    String value = name.equals("Content-Type") ? answer.getContentType() : answer.getHeader(name);
                    if (value != null) {
                        headers.append(name, value);
                    }
                }
                String fingerprint = uploadFingerprint != null ? uploadFingerprint : request.fingerprint();
                try {
                    keys.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("state", "done"), Updates.set("fingerprint", fingerprint),
                            Updates.set("answer", new Document("status", status).append("headers", headers).append("body", new Binary(body)))));
                    kept = true;
                } catch (MongoException unavailable) {
                    // the write happened and its answer goes out; repeats get 409 until the lease ends
                    kept = true;
                    log.warn("The answer to an idempotent request could not be kept ({}); its key is held until its lease ends",
                            unavailable.getClass().getName());
                }
            }
            answer.copyBodyToResponse();
        } finally {
            if (!kept) {
                try {
                    keys.deleteOne(Filters.and(Filters.eq("_id", id), Filters.eq("state", "running")));
                } catch (MongoException unavailable) {
                    log.warn("A refused idempotent request could not free its key ({}); it is free when its lease ends",
                            unavailable.getClass().getName());
                }
            }
            running.remove(id, done);
            done.complete(null);
        }
    }

    private void repeat(String id, HashingRequest request, HttpServletResponse response) throws IOException, ServletException {
        String fingerprint = request.fingerprint();
        Document kept = keys.find(Filters.eq("_id", id)).first();
        CompletableFuture<Void> first = running.get(id);
        if (kept != null && "running".equals(kept.getString("state")) && first != null) {
            try {
                first.get(wait.toMillis(), TimeUnit.MILLISECONDS); // completed whatever the first's outcome
            } catch (TimeoutException | ExecutionException stillRunning) {
                // answered below from what the store holds
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            kept = keys.find(Filters.eq("_id", id)).first();
        }
        if (kept == null || !"done".equals(kept.getString("state"))) {
            ErrorEnvelope.write(response, ApiException.conflict("A request with this Idempotency-Key is still running; retry in 1 s")
                    .retryAfter(1));
            return;
        }
        if (!fingerprint.equals(kept.getString("fingerprint"))) {
            ErrorEnvelope.write(response, ApiException.validation(Map.of(HEADER,
                    List.of("was used for another request in the last " + ttl.toHours() + " h; use a new key for a new request"))));
            return;
        }
        Document answer = kept.get("answer", Document.class);
        response.setStatus(answer.getInteger("status"));
        answer.get("headers", Document.class).forEach((name, value) -> response.setHeader(name, (String) value));
        response.setHeader(REPLAYED, "true");
        byte[] body = answer.get("body", Binary.class).getData();
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Hashes what the request says as its body is read. The fingerprint is taken once the handler is
     * done (what it left unread is read then, within the body limit), or at once for a repeat.
     * An upload is hashed by its parts, since a client's retry picks another multipart boundary.
     */
    static final class HashingRequest extends ObservedBodyRequest {

        private final MessageDigest digest;

        HashingRequest(HttpServletRequest request) {
            this(request, sha256());
        }

        private HashingRequest(HttpServletRequest request, MessageDigest digest) {
            super(request, digest::update);
            this.digest = digest;
            String query = request.getQueryString();
            update(request.getMethod() + " " + request.getRequestURI() + (query == null ? "" : "?" + query) + "\n");
        }

        private void update(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(bytes);
        }

        private boolean multipart() {
            String type = getContentType();
            return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
        }

        String fingerprint() throws IOException, ServletException {
            if (multipart()) {
                List<Part> parts = new ArrayList<>(getParts());
                parts.sort(Comparator.comparing(Part::getName).thenComparing(p -> String.valueOf(p.getSubmittedFileName())));
                for (Part part : parts) {
                    update(part.getName() + "\n" + part.getSubmittedFileName() + "\n" + part.getContentType() + "\n" + part.getSize());
                    try (InputStream in = part.getInputStream()) {
                        in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
                    }
                }
            } else {
                getInputStream().transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
