package ai.soul.allinone;

import ai.soul.allinone.BadInputGenerator.Endpoint;
import ai.soul.allinone.BadInputGenerator.Fixtures;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Property: whatever malformed request reaches the API, on any of its endpoints, the answer is never
 * a 5xx, every answer that is not a 2xx carries the error envelope of {@code shared/design/api.md}
 * (with a code that matches its status), and nothing changes: the read models in MongoDB and the
 * number of events in the event store are the same after all tries as before them.
 *
 * <p>The requests come from {@link BadInputGenerator}: each is built from a valid request plus one
 * defect that is certain to be refused, so none may be accepted. The tries and the seed come from
 * {@code -Dsoul.badinput.tries} (default 300) and {@code -Dsoul.badinput.seed} (default fixed, so a
 * run is repeatable; the ids in the requests differ between runs, their shapes do not). Every
 * violation is collected, not just the first; the verdict comes after the last try, and a readable
 * report goes to {@code target/bad-input-report.txt}.
 */
class BadInputPropertiesTest {

    static final String DEFAULT_SEED = "20261123";
    static final int DEFAULT_TRIES = 300;
    static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(400, "bad_request"), Map.entry(401, "unauthorized"), Map.entry(402, "payment_required"),
            Map.entry(403, "forbidden"), Map.entry(404, "not_found"), Map.entry(405, "method_not_allowed"),
            Map.entry(406, "not_acceptable"), Map.entry(409, "conflict"), Map.entry(413, "payload_too_large"),
            Map.entry(415, "unsupported_media_type"), Map.entry(422, "validation_error"), Map.entry(429, "rate_limited"),
            Map.entry(500, "internal_error"), Map.entry(503, "service_unavailable"));

    static Path dataDir;
    static AllInOneSystem system;
    static BadInputClient client;
    static Fixtures fixtures;
    static int ownMessageCount;
    static State before;
    static Ledger ledger;

    @BeforeContainer
    static void startSystem() throws IOException {
        dataDir = Files.createTempDirectory("soul-bad-input-");
        system = AllInOneSystem.start(dataDir, 0, Map.of());
        Api api = new Api("http://localhost:" + system.port());
        client = new BadInputClient(system.port());

        String email = "bad-input-a-" + UUID.randomUUID() + "@example.com";
        String otherEmail = "bad-input-b-" + UUID.randomUUID() + "@example.com";
        String key = api.register(email);
        String otherKey = api.register(otherEmail);
        String own = created(api.post("/v1/conversations", key, """
                {"title": "Own conversation", "content": "kept as it is", "source": "email",
                 "metadata": {"participants": ["a@example.com"], "draft": true},
                 "messages": [{"role": "agent", "content": "Hello"}]}"""));
        // waiting for the agent's reply, so the count below includes it
        expect(api.send(api.request("/v1/conversations/" + own + "/messages", key).header("Content-Type", "application/json")
                .header("Prefer", "wait=10").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"content\": \"a second message\"}")).build()), 201);
        String deleted = created(api.post("/v1/conversations", key, "{\"title\": \"Deleted conversation\"}"));
        expect(api.delete("/v1/conversations/" + deleted, key), 200);
        String foreign = created(api.post("/v1/conversations", otherKey, "{\"title\": \"Another account's\", \"content\": \"private\"}"));
        expect(api.send(api.request("/v1/conversations/" + foreign + "/messages", otherKey).header("Content-Type", "application/json")
                .header("Prefer", "wait=10").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"content\": \"private message\"}")).build()), 201);
        // and for the first summaries, which the effect writes after the creation
        for (String[] conversation : new String[][]{{own, key}, {foreign, otherKey}}) {
            await("the first summary").atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/conversations/" + conversation[0],
                    conversation[1]).body().get("status").asString().equals("completed"));
        }
        // reads by each account wait for its own writes (read-your-writes), so both are in the read models now
        ownMessageCount = expect(api.get("/v1/conversations/" + own, key), 200).body().get("message_count").asInt();
        expect(api.get("/v1/conversations/" + foreign, otherKey), 200);
        expect(api.get("/v1/conversations/" + deleted, key), 404);
        fixtures = new Fixtures(key, email, own, deleted, foreign);
        before = settledState();
        ledger = new Ledger();
    }

    @AfterContainer
    static void stopSystem() throws IOException {
        if (system != null) system.close();
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(Campaign.class)
    void badRequestsAreRefusedWithTheEnvelopeAndChangeNothing(@ForAll("badRequests") BadInputRequest request) {
        long start = System.nanoTime();
        BadInputClient.Response response = client.send(request);
        ledger.record(request, response, problems(request, response), System.nanoTime() - start);
    }

    @Provide
    Arbitrary<BadInputRequest> badRequests() {
        return Arbitraries.randomValue(random -> BadInputGenerator.generate(random, fixtures));
    }

    static int tries() {
        return Integer.getInteger("soul.badinput.tries", DEFAULT_TRIES);
    }

    static String seed() {
        String seed = System.getProperty("soul.badinput.seed");
        return seed == null || seed.isBlank() ? DEFAULT_SEED : seed.strip();
    }

    /**
     * Sets tries and seed before the first try; after the last one waits for the system to settle,
     * compares its state, writes the report and turns any violation into the property's failure.
     */
    static class Campaign implements AroundPropertyHook {

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            context.attributes().setTries(tries());
            context.attributes().setSeed(seed());
            context.attributes().setAfterFailure(AfterFailureMode.RANDOM_SEED);
            System.out.println("bad input: seed " + seed() + ", tries " + tries() + " (replay with -Dsoul.badinput.seed=" + seed() + ")");
            long start = System.nanoTime();
            PropertyExecutionResult result = property.execute();
            ledger.seconds = (System.nanoTime() - start) / 1e9;
            ledger.jqwikTries = result.countTries();
            Verdict verdict = verdict();
            Path report = writeReport(verdict);
            if (result.status() != PropertyExecutionResult.Status.SUCCESSFUL) {
                return result;
            }
            if (verdict.failure() != null) {
                return result.mapToFailed(new AssertionError(verdict.failure() + "\n(full report: " + report.toAbsolutePath() + ")"));
            }
            return result;
        }
    }

    // ---------------------------------------------------------------- per-response checks

    /** The violations of one answer: [kind, detail]. */
    static List<String[]> problems(BadInputRequest request, BadInputClient.Response response) {
        List<String[]> problems = new ArrayList<>();
        if (response.failure() != null) {
            problems.add(new String[]{"no response", response.failure()});
            return problems;
        }
        int status = response.status();
        if (status >= 500) {
            problems.add(new String[]{"5xx", "answered " + status});
        } else if (status >= 200 && status < 300) {
            problems.add(new String[]{"accepted", "a request designed to be refused was answered " + status});
            return problems;
        } else if (status < 400) {
            problems.add(new String[]{"unexpected status", "answered " + status});
        }
        if (request.method().equals("HEAD")) {
            return problems; // a HEAD answer has no body to hold an envelope
        }
        String envelope = envelopeProblem(status, response);
        if (envelope != null) {
            problems.add(new String[]{"no envelope", envelope});
        }
        return problems;
    }

    /** Null when the body is {@code {"error": {"code", "message", "status", "details"?}}} and agrees with the status. */
    static String envelopeProblem(int status, BadInputClient.Response response) {
        String contentType = response.header("Content-Type");
        String text = response.text();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return "Content-Type is " + contentType + (text.isEmpty() ? ", empty body" : ", body " + BadInputRequest.cut(text, 80));
        }
        JsonNode root;
        try {
            root = Api.JSON.readTree(text);
        } catch (RuntimeException e) {
            return "body is not JSON: " + BadInputRequest.cut(text, 80);
        }
        if (root == null || !root.isObject() || root.size() != 1 || !root.has("error") || !root.get("error").isObject()) {
            return "body is not {\"error\": {...}}: " + BadInputRequest.cut(text, 80);
        }
        JsonNode error = root.get("error");
        Set<String> unexpected = new HashSet<>(error.propertyNames());
        unexpected.removeAll(Set.of("code", "message", "status", "details"));
        if (!unexpected.isEmpty()) return "error has unexpected fields " + unexpected;
        JsonNode code = error.get("code");
        JsonNode message = error.get("message");
        JsonNode statusField = error.get("status");
        if (code == null || !code.isString() || code.asString().isBlank()) return "error.code missing or not a string";
        if (message == null || !message.isString() || message.asString().isBlank()) return "error.message missing or not a string";
        if (statusField == null || !statusField.isIntegralNumber()) return "error.status missing or not a number";
        if (statusField.asInt() != status) return "error.status " + statusField.asInt() + " but HTTP status " + status;
        String expected = CODES.get(status);
        if (expected == null) return "HTTP status " + status + " is none of api.md's (code " + code.asString() + ")";
        if (!expected.equals(code.asString())) return "error.code " + code.asString() + " but " + status + " means " + expected;
        JsonNode details = error.get("details");
        if (details != null && !details.isObject()) return "error.details is not an object";
        if (status == 422) {
            JsonNode fields = details == null ? null : details.get("fields");
            if (fields == null || !fields.isObject() || fields.isEmpty()) return "422 without details.fields";
            for (var field : fields.properties()) {
                JsonNode messages = field.getValue();
                if (!messages.isArray() || messages.isEmpty()) return "details.fields." + field.getKey() + " is not a list of messages";
                for (JsonNode m : messages) {
                    if (!m.isString() || m.asString().isBlank()) return "details.fields." + field.getKey() + " holds a non-message";
                }
            }
        }
        for (String leak : List.of("Exception", "\tat ", "at java.", "at org.", "at ai.soul", "tools.jackson", "org.springframework")) {
            if (text.contains(leak)) return "body leaks internals (" + leak.strip() + "): " + BadInputRequest.cut(text, 120);
        }
        return null;
    }

    // ---------------------------------------------------------------- state

    /** The event count and every read-model document, each collection sorted by _id. */
    record State(long events, Map<String, List<String>> readModels) {

        String summary() {
            StringBuilder s = new StringBuilder(events + " events in DOMAINEVENTENTRY; read models:");
            readModels.forEach((name, docs) -> s.append(' ').append(name).append('=').append(docs.size()));
            return s.toString();
        }
    }

    static State state() {
        return new State(eventCount(), readModels());
    }

    static long eventCount() {
        DataSource dataSource = system.context().getBean(DataSource.class);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from DOMAINEVENTENTRY")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<String>> readModels() {
        MongoDatabase db = system.context().getBean(MongoDatabase.class);
        Map<String, List<String>> all = new TreeMap<>();
        for (String name : db.listCollectionNames()) {
            if (name.equals("usage_daily") || name.equals("rate_limits")) {
                continue; // refused requests are requests: metering counts them and the limiter charges them, by design
            }
            List<String> docs = new ArrayList<>();
            // the last use of a key moves with every request that presents it, refused or not
            db.getCollection(name).find().sort(Sorts.ascending("_id")).forEach(d -> {
                d.remove("last_used_at");
                docs.add(d.toJson());
            });
            all.put(name, docs);
        }
        return all;
    }

    /** The state once two readings a poll apart agree: the projector has applied what it had. */
    static State settledState() {
        AtomicReference<State> last = new AtomicReference<>();
        await("the read models to settle").pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30))
                .until(() -> {
                    State now = state();
                    return now.equals(last.getAndSet(now));
                });
        return last.get();
    }

    record Verdict(State after, boolean eventsChanged, boolean stateChanged, String stateDiff, String writeSide, String failure) {
    }

    static Verdict verdict() {
        boolean eventsChanged = false;
        try {
            // a stray event would be in the store by now; give in-flight ones a moment, then insist for a second
            await("the event count to stay as it was").pollInterval(Duration.ofMillis(100))
                    .during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> eventCount() == before.events());
        } catch (ConditionTimeoutException e) {
            eventsChanged = true;
        }
        State after;
        if (eventsChanged) {
            State settled;
            try {
                settled = settledState(); // let the projector apply the stray events, so the diff shows them
            } catch (ConditionTimeoutException e) {
                settled = state();
            }
            after = settled;
        } else {
            after = state();
        }
        boolean stateChanged = !after.equals(before);
        String diff = stateChanged ? diff(before, after) : "";

        // the write side must still be intact: the next message on the own conversation takes the next index
        String writeSide;
        if (stateChanged) {
            writeSide = "not checked (state already changed)";
        } else {
            Api api = new Api("http://localhost:" + system.port());
            Api.Response posted = api.post("/v1/conversations/" + fixtures.ownConversation() + "/messages", fixtures.key(),
                    "{\"content\": \"after the bad input\"}");
            writeSide = posted.status() == 201 && posted.body().get("index").asInt() == ownMessageCount ? null
                    : "a valid message after the tries answered " + posted.status() + " " + BadInputRequest.cut(posted.raw().body(), 200)
                    + " (expected 201 with index " + ownMessageCount + ")";
        }

        List<String> failures = new ArrayList<>();
        if (stateChanged) {
            failures.add("STATE CHANGED by requests that were all designed to be refused:\n" + diff);
        }
        if (writeSide != null) {
            failures.add("WRITE SIDE BROKEN after the tries: " + writeSide);
        }
        if (!ledger.groups.isEmpty()) {
            StringBuilder s = new StringBuilder(ledger.violations + " of " + ledger.requests + " answers broke the property ("
                    + ledger.serverErrors + " 5xx, " + ledger.envelopeFailures + " without the envelope, " + ledger.accepted
                    + " accepted, " + ledger.noResponse + " without an answer); " + ledger.groups.size() + " distinct cases:");
            ledger.sortedGroups().stream().limit(40).forEach(g -> s.append("\n").append(g.render()));
            if (ledger.groups.size() > 40) s.append("\n  … and ").append(ledger.groups.size() - 40).append(" more in the report");
            failures.add(s.toString());
        }
        if (tries() >= 200) {
            List<String> missed = new ArrayList<>();
            for (Endpoint e : Endpoint.values()) {
                if (!ledger.byEndpoint.containsKey(e.label())) missed.add(e.label());
            }
            if (!missed.isEmpty()) failures.add("endpoints never tried: " + missed);
        }
        String failure = failures.isEmpty() ? null : "seed " + seed() + ", " + ledger.requests + " tries:\n" + String.join("\n\n", failures);
        return new Verdict(after, eventsChanged, stateChanged, diff, writeSide, failure);
    }

    static String diff(State before, State after) {
        StringBuilder s = new StringBuilder();
        if (before.events() != after.events()) {
            s.append("  events in DOMAINEVENTENTRY: ").append(before.events()).append(" before, ").append(after.events()).append(" after\n");
        }
        Set<String> names = new java.util.TreeSet<>(before.readModels().keySet());
        names.addAll(after.readModels().keySet());
        for (String name : names) {
            List<String> b = before.readModels().getOrDefault(name, List.of());
            List<String> a = after.readModels().getOrDefault(name, List.of());
            if (b.equals(a)) continue;
            s.append("  collection ").append(name).append(": ").append(b.size()).append(" documents before, ").append(a.size()).append(" after\n");
            a.stream().filter(d -> !b.contains(d)).limit(5).forEach(d -> s.append("    now:  ").append(BadInputRequest.cut(d, 400)).append('\n'));
            b.stream().filter(d -> !a.contains(d)).limit(5).forEach(d -> s.append("    was:  ").append(BadInputRequest.cut(d, 400)).append('\n'));
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- bookkeeping and the report

    static final class Ledger {
        int requests;
        int violations;
        int serverErrors;
        int envelopeFailures;
        int accepted;
        int noResponse;
        int sentRaw;
        int jqwikTries;
        long slowestNanos;
        String slowest = "";
        double seconds;
        final Map<String, Integer> byEndpoint = new TreeMap<>();
        final Map<String, Integer> byDefect = new TreeMap<>();
        final Map<Integer, Integer> byStatus = new TreeMap<>();
        final Map<String, Map<Integer, Integer>> statusByEndpoint = new TreeMap<>();
        final Map<String, Map<Integer, Integer>> statusByDefect = new TreeMap<>();
        final Map<String, Group> groups = new LinkedHashMap<>();

        /** The worst first: 5xx, accepted, no answer, then the rest; within a kind by endpoint. */
        List<Group> sortedGroups() {
            List<String> order = List.of("5xx", "accepted", "no response", "no envelope", "unexpected status");
            return groups.values().stream()
                    .sorted(Comparator.comparing((Group g) -> order.indexOf(g.kind))
                            .thenComparing(g -> g.example.endpoint()).thenComparing(g -> g.example.defect()).thenComparing(g -> g.example.variant()))
                    .toList();
        }

        void record(BadInputRequest request, BadInputClient.Response response, List<String[]> problems, long nanos) {
            requests++;
            if (response.sentRaw()) sentRaw++;
            if (nanos > slowestNanos) {
                slowestNanos = nanos;
                slowest = request.endpoint() + " / " + request.defect() + " / " + request.variant();
            }
            byEndpoint.merge(request.endpoint(), 1, Integer::sum);
            byDefect.merge(request.defect(), 1, Integer::sum);
            byStatus.merge(response.status(), 1, Integer::sum);
            statusByEndpoint.computeIfAbsent(request.endpoint(), k -> new TreeMap<>()).merge(response.status(), 1, Integer::sum);
            statusByDefect.computeIfAbsent(request.defect(), k -> new TreeMap<>()).merge(response.status(), 1, Integer::sum);
            if (problems.isEmpty()) return;
            violations++;
            for (String[] p : problems) {
                switch (p[0]) {
                    case "5xx" -> serverErrors++;
                    case "no envelope" -> envelopeFailures++;
                    case "accepted" -> accepted++;
                    case "no response" -> noResponse++;
                    default -> { }
                }
                String key = p[0] + "|" + request.endpoint() + "|" + request.defect() + "|" + request.variant() + "|" + response.status();
                groups.computeIfAbsent(key, k -> new Group(p[0], p[1], request, response)).count++;
            }
        }
    }

    static final class Group {
        final String kind;
        final String detail;
        final BadInputRequest example;
        final BadInputClient.Response response;
        int count;

        Group(String kind, String detail, BadInputRequest example, BadInputClient.Response response) {
            this.kind = kind;
            this.detail = detail;
            this.example = example;
            this.response = response;
        }

        String render() {
            return "  [" + kind + "] " + example.endpoint() + " | " + example.defect() + " | " + example.variant() + " -> "
                    + (response.status() < 0 ? "no answer" : String.valueOf(response.status())) + ", " + count + "x: " + detail
                    + "\n      e.g. " + example.describe()
                    + (response.status() < 0 ? "" : "\n      answered " + response.status() + " " + response.header("Content-Type") + " "
                    + BadInputRequest.cut(response.text(), 300));
        }
    }

    static Path writeReport(Verdict verdict) {
        Ledger l = ledger;
        StringBuilder s = new StringBuilder();
        s.append("Bad input property (BadInputPropertiesTest)\n");
        s.append("===========================================\n\n");
        s.append("seed:            ").append(seed()).append("   (replay: -Dsoul.badinput.seed=").append(seed()).append(")\n");
        s.append("tries:           ").append(l.requests).append(" requests sent, jqwik counted ").append(l.jqwikTries)
                .append(" tries   (-Dsoul.badinput.tries=").append(tries()).append(")\n");
        s.append(String.format(Locale.ROOT, "took:            %.1f s for the tries, %.1f ms per request on average; slowest %.0f ms (%s)%n",
                l.seconds, l.requests == 0 ? 0 : l.seconds * 1000 / l.requests, l.slowestNanos / 1e6, l.slowest));
        s.append("sent raw:        ").append(l.sentRaw).append(" requests over a plain socket (what java.net.http will not send)\n\n");

        s.append("5xx responses:                         ").append(l.serverErrors).append('\n');
        s.append("non-2xx without a valid error envelope: ").append(l.envelopeFailures).append('\n');
        s.append("2xx although designed to be refused:    ").append(l.accepted).append('\n');
        s.append("no answer (timeout, reset):             ").append(l.noResponse).append('\n');
        s.append("state changed:                          ").append(verdict.stateChanged() ? "YES" : "no").append('\n');
        s.append("  before: ").append(before.summary()).append('\n');
        s.append("  after:  ").append(verdict.after().summary()).append('\n');
        if (verdict.stateChanged()) s.append(verdict.stateDiff());
        s.append("write side after the tries:             ").append(verdict.writeSide() == null ? "intact (a valid message took the next index)" : verdict.writeSide()).append('\n');
        s.append("verdict:                                ").append(verdict.failure() == null ? "PASSED" : "FAILED").append("\n\n");

        s.append("requests per endpoint (and the statuses they got):\n");
        for (Endpoint e : Endpoint.values()) {
            String label = e.label();
            s.append(String.format(Locale.ROOT, "  %-42s %6d   %s%n", label, l.byEndpoint.getOrDefault(label, 0),
                    l.statusByEndpoint.getOrDefault(label, Map.of())));
        }
        s.append("\nrequests per defect:\n");
        l.byDefect.forEach((d, n) -> s.append(String.format(Locale.ROOT, "  %-20s %6d   %s%n", d, n, l.statusByDefect.get(d))));
        s.append("\nresponses per status code:\n");
        l.byStatus.forEach((code, n) -> s.append(String.format(Locale.ROOT, "  %4s %7d%n", code < 0 ? "none" : code, n)));

        s.append("\nviolations (").append(l.groups.size()).append(" distinct: kind | endpoint | defect | variant -> status, count):\n");
        if (l.groups.isEmpty()) s.append("  none\n");
        l.sortedGroups().forEach(g -> s.append(g.render()).append('\n'));
        if (verdict.failure() != null) {
            s.append("\nassertion message:\n").append(verdict.failure()).append('\n');
        }

        Path file = Path.of(System.getProperty("basedir", "."), "target", "bad-input-report.txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(s);
        return file;
    }

    // ---------------------------------------------------------------- setup helpers

    private static String created(Api.Response response) {
        return expect(response, 201).body().get("id").asString();
    }

    private static Api.Response expect(Api.Response response, int status) {
        if (response.status() != status) {
            throw new AssertionError("setup: expected " + status + " but got " + response.status() + " " + response.raw().body());
        }
        return response;
    }
}
