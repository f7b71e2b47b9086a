package ai.soul.allinone;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Generates requests that the API must refuse, for every endpoint it serves.
 *
 * <p>Each request starts from a VALID request to its endpoint and gets exactly one fatal defect, one
 * that is certain to be refused whatever else the request holds: a broken field rule, malformed
 * JSON, a wrong content type, a body over the limit, a missing or wrong key, a wrong method, an id
 * that is malformed, unknown, deleted or another account's, a bad query parameter, an unknown route.
 * The field, header or parameter that carries the fatal defect is locked; noise (extra unknown
 * fields, odd unicode, wrong types, dropped fields, extra parameters and headers) may then be added
 * anywhere else. Noise can add more faults but can never repair the locked one, so every request is
 * certainly invalid and none may change any state.
 *
 * <p>Forms that might legitimately be accepted are deliberately never generated as the defect of a
 * request: trailing whitespace in an email (stripped), an email already registered (answered like a
 * free one, and it opens an account: issue 10, finding 5), duplicate JSON keys, a UTF-8 byte order mark, {@code charset=utf-16} or {@code application/*+json} and
 * {@code application/yaml} on registration (the converters read them), {@code page=} (the default
 * applies), {@code page=+1} or {@code page=٣} (parsed as numbers), a lowercase {@code bearer}
 * scheme, blank {@code X-API-Key} next to a good {@code Authorization}, {@code verbose: "true"}
 * (coerced), paths with {@code ..} or {@code //} (normalised onto real routes), a DELETE of one's
 * own conversation with a chunked body (the body is never read, so no limit applies).
 */
final class BadInputGenerator {

    static final int BODY_LIMIT = 1_048_576;
    /** The fixture accounts' password (Api.register). */
    static final String PASSWORD = "correct horse battery";
    static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    /** What the generated requests may refer to: made by the test before the first try. */
    record Fixtures(String key, String email, String ownConversation, String deletedConversation,
                    String foreignConversation) {
    }

    enum Endpoint {
        REGISTER("POST", "/v1/auth/register", 3),
        LOGIN("POST", "/v1/auth/login", 2),
        HEALTH("GET", "/v1/health", 1),
        ACTUATOR_HEALTH("GET", "/actuator/health", 1),
        CREATE("POST", "/v1/conversations", 4),
        LIST("GET", "/v1/conversations", 3),
        READ("GET", "/v1/conversations/{id}", 3),
        UPDATE("PATCH", "/v1/conversations/{id}", 4),
        DELETE("DELETE", "/v1/conversations/{id}", 3),
        POST_MESSAGE("POST", "/v1/conversations/{id}/messages", 4),
        LIST_MESSAGES("GET", "/v1/conversations/{id}/messages", 3),
        MODELS("GET", "/v1/models", 2),
        SEARCH("POST", "/v1/conversations/search", 3),
        LIST_ATTACHMENTS("GET", "/v1/conversations/{id}/attachments", 2),
        ME("GET", "/v1/me", 1),
        LIST_API_KEYS("GET", "/v1/api-keys", 1),
        LIST_EXPORTS("GET", "/v1/exports", 1),
        CREATE_EXPORT("POST", "/v1/exports", 2),
        ACCOUNT("GET", "/v1/account", 1),
        ACCOUNT_USAGE("GET", "/v1/account/usage", 2),
        UNKNOWN_ROUTE("ANY", "(a route that does not exist)", 2);

        final String method;
        final String template;
        final int weight;

        Endpoint(String method, String template, int weight) {
            this.method = method;
            this.template = template;
            this.weight = weight;
        }

        String label() {
            return method + " " + template;
        }

        boolean isPublic() {
            return this == REGISTER || this == LOGIN || this == HEALTH || this == ACTUATOR_HEALTH;
        }

        boolean hasId() {
            return template.contains("{id}");
        }

        /** The handler reads a JSON body. */
        boolean readsBody() {
            return this == REGISTER || this == LOGIN || this == CREATE || this == UPDATE || this == POST_MESSAGE || this == SEARCH
                    || this == CREATE_EXPORT;
        }

        /** Methods that some handler serves on this path (HEAD and OPTIONS come with GET). */
        Set<String> allowedMethods() {
            return switch (this) {
                case REGISTER, LOGIN -> Set.of("POST");
                case HEALTH, ACTUATOR_HEALTH, MODELS, ME, ACCOUNT, ACCOUNT_USAGE -> Set.of("GET", "HEAD", "OPTIONS");
                case CREATE, LIST, POST_MESSAGE, LIST_MESSAGES, LIST_ATTACHMENTS, LIST_API_KEYS, LIST_EXPORTS, CREATE_EXPORT -> Set.of("GET", "POST", "HEAD", "OPTIONS");
                case READ, UPDATE, DELETE -> Set.of("GET", "PATCH", "DELETE", "HEAD", "OPTIONS");
                // other methods on this path reach /v1/conversations/{id} (404) or none (405): both refusals
                case SEARCH -> Set.of("POST");
                case UNKNOWN_ROUTE -> Set.of();
            };
        }

        /** The JSON fields the handler binds, in their wire names. */
        List<String> fields() {
            return switch (this) {
                case REGISTER -> List.of("email", "password", "name", "company_name");
                case LOGIN -> List.of("email", "password", "id_token", "firebase_token");
                case CREATE_EXPORT -> List.of("format", "filters", "options");
                case CREATE -> List.of("title", "content", "source", "metadata", "system_prompt", "llm_id", "agent_id", "messages");
                case UPDATE -> List.of("title", "content", "metadata", "system_prompt", "llm_id", "agent_id");
                case POST_MESSAGE -> List.of("content", "llm_id", "verbose");
                case SEARCH -> List.of("query", "filters", "sort", "page", "per_page");
                default -> List.of();
            };
        }
    }

    enum Defect {
        NO_KEY(1), BAD_KEY(2), WRONG_METHOD(2), MALFORMED_ID(2), UNKNOWN_ID(1), DELETED_ID(1), FOREIGN_ID(2), BAD_FIELD(6),
        MALFORMED_JSON(3), NOT_AN_OBJECT(1), WRONG_CONTENT_TYPE(2), TOO_LARGE(1), BAD_QUERY(5),
        BAD_ACCEPT(1), NO_SUCH_ROUTE(3);

        /** How often, relative to the others that apply to the same endpoint. */
        final int weight;

        Defect(int weight) {
            this.weight = weight;
        }

        boolean appliesTo(Endpoint e) {
            return switch (this) {
                case NO_KEY, BAD_KEY -> !e.isPublic();
                case WRONG_METHOD -> e != Endpoint.UNKNOWN_ROUTE;
                case MALFORMED_ID, UNKNOWN_ID, DELETED_ID, FOREIGN_ID -> e.hasId();
                case BAD_FIELD, MALFORMED_JSON, NOT_AN_OBJECT, WRONG_CONTENT_TYPE -> e.readsBody();
                case TOO_LARGE -> e.readsBody() || e == Endpoint.DELETE;
                case BAD_QUERY -> e == Endpoint.LIST || e == Endpoint.LIST_MESSAGES || e == Endpoint.ACCOUNT_USAGE;
                // writes too: a request that cannot be answered in JSON is refused before anything happens
                case BAD_ACCEPT -> e != Endpoint.UNKNOWN_ROUTE;
                case NO_SUCH_ROUTE -> e == Endpoint.UNKNOWN_ROUTE;
            };
        }
    }

    /** A JSON literal written as is. */
    record Raw(String json) {
    }

    /** JSON null (a Java null in a map means "absent" nowhere here; absent fields are simply not put). */
    enum Null { NULL }

    private final Random r;
    private final Fixtures fx;

    // the request being built
    private Endpoint endpoint;
    private String defect;
    private String variant;
    private final List<String> noise = new ArrayList<>();
    private String method;
    private String path;
    private String route;
    private final List<String[]> query = new ArrayList<>();
    private Map<String, Object> body;
    private byte[] bodyBytes;
    private String contentType;
    private final List<String[]> headers = new ArrayList<>();
    private String[] auth;
    private final Set<String> lockedFields = new HashSet<>();
    private final Set<String> lockedParams = new HashSet<>();
    private boolean lockedAuth;
    private boolean lockedAccept;
    private boolean chunked;
    private boolean raw;
    /** Building a request that may be accepted: text is odd but valid Unicode. */
    private boolean acceptable;

    private BadInputGenerator(Random random, Fixtures fixtures) {
        this.r = random;
        this.fx = fixtures;
    }

    static BadInputRequest generate(Random random, Fixtures fixtures) {
        return new BadInputGenerator(random, fixtures).build();
    }

    /**
     * A request that may well be accepted (no defect at all): a valid write (create, update, message,
     * search, export) carrying odd values wherever a client may put them: odd unicode in every text
     * field, metadata with odd keys, numbers at and past the 64-bit and double limits and deep nesting,
     * texts at their limits, many initial messages. Whatever the API accepts, every consumer must
     * store (see {@code PoisonPropertiesTest}).
     */
    static BadInputRequest acceptable(Random random, Fixtures fixtures) {
        return new BadInputGenerator(random, fixtures).buildAcceptable();
    }

    private BadInputRequest buildAcceptable() {
        acceptable = true;
        endpoint = pick(Endpoint.CREATE, Endpoint.CREATE, Endpoint.CREATE, Endpoint.UPDATE, Endpoint.UPDATE, Endpoint.POST_MESSAGE,
                Endpoint.POST_MESSAGE, Endpoint.SEARCH, Endpoint.CREATE_EXPORT);
        defect = "NONE";
        variant = "odd values, possibly valid";
        validBase();
        if (endpoint == Endpoint.CREATE_EXPORT) {
            body.put("format", pick("json", "csv", "md", "pdf"));
            body.put("options", new LinkedHashMap<>(Map.of("include_attachments", r.nextBoolean())));
        }
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            oddButPossiblyValid();
        }
        return render(null);
    }

    private void oddButPossiblyValid() {
        boolean conversation = endpoint == Endpoint.CREATE || endpoint == Endpoint.UPDATE;
        switch (r.nextInt(6)) {
            case 0 -> {
                String field = unlockedField();
                if (field != null) {
                    body.put(field, text(0, 60, r.nextInt(8) == 0 ? Atoms.ODD : Atoms.ODD_VALID));
                    noise.add("odd unicode in " + field);
                }
            }
            case 1 -> { if (conversation) { body.put("metadata", oddMetadata()); noise.add("odd metadata"); } else oddUnicodeValue(); }
            case 2 -> { if (conversation) { body.put("metadata", oddMetadata()); noise.add("odd metadata"); } else extraField(); }
            case 3 -> {
                String field = unlockedField();
                if (field != null && Set.of("title", "content", "system_prompt", "query").contains(field)) {
                    int max = field.equals("title") ? 200 : field.equals("query") ? 500 : 10_000;
                    body.put(field, text(max - 5, max, r.nextBoolean() ? Atoms.TEXT : Atoms.ODD_VALID));
                    noise.add(field + " at its limit");
                }
            }
            case 4 -> {
                if (endpoint == Endpoint.CREATE) {
                    List<Object> messages = new ArrayList<>();
                    for (int i = 1 + r.nextInt(60); i > 0; i--) {
                        messages.add(new LinkedHashMap<>(Map.of("role", pick("user", "agent", "system"), "content", nonBlank(1, 300, Atoms.ODD_VALID))));
                    }
                    body.put("messages", messages);
                    noise.add(messages.size() + " odd initial messages");
                } else {
                    oddUnicodeValue();
                }
            }
            default -> extraField();
        }
    }

    /** Metadata as a hostile client writes it: odd keys (controls, halves of surrogate pairs), odd numbers, deep nesting. */
    private Map<String, Object> oddMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 1 + r.nextInt(12); i > 0; i--) {
            m.put(r.nextInt(8) == 0 ? text(1, 30, Atoms.ODD) : validMetadataKey(), oddJson(1 + r.nextInt(r.nextInt(3) == 0 ? 7 : 4)));
        }
        return m;
    }

    private Object oddJson(int depth) {
        return switch (r.nextInt(depth <= 0 ? 4 : 6)) {
            case 0 -> r.nextInt(3) > 0 ? pick(Long.MAX_VALUE, Long.MIN_VALUE, Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 0) : pick(new Raw("123456789012345678901234567890"), new Raw("1e400"), new Raw("-1e400"), new Raw("-0.0"),
                    new Raw("9223372036854775807"), new Raw("9223372036854775808"), new Raw("-9223372036854775809"),
                    new Raw("1.7976931348623157e308"), new Raw("4.9e-324"), new Raw("1e-400"), new Raw("0.1e1"), new Raw("1E+2"));
            case 1 -> text(0, r.nextInt(10) == 0 ? 4_000 : 60, r.nextInt(8) == 0 ? Atoms.ODD : Atoms.ODD_VALID);
            case 2 -> pick(Null.NULL, true, false, r.nextLong(), r.nextDouble());
            case 3 -> anyJson(0);
            case 4 -> {
                List<Object> list = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) list.add(oddJson(depth - 1));
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = r.nextInt(5); i > 0; i--) map.put(r.nextInt(8) == 0 ? text(0, 12, Atoms.ODD) : validMetadataKey(), oddJson(depth - 1));
                yield map;
            }
        };
    }

    private BadInputRequest build() {
        endpoint = pickEndpoint();
        Defect d = pickDefect();
        defect = d.name();
        validBase();
        switch (d) {
            case NO_KEY -> noKey();
            case BAD_KEY -> badKey();
            case WRONG_METHOD -> wrongMethod();
            case MALFORMED_ID -> malformedId();
            case UNKNOWN_ID -> id("well-formed id that never existed", "conv_" + crockford(26));
            case DELETED_ID -> id("id of a deleted conversation", fx.deletedConversation());
            case FOREIGN_ID -> id("id of another account's conversation", fx.foreignConversation());
            case BAD_FIELD -> badField();
            case MALFORMED_JSON, NOT_AN_OBJECT, WRONG_CONTENT_TYPE, TOO_LARGE -> { /* applied to the rendered body below */ }
            case BAD_QUERY -> badQuery();
            case BAD_ACCEPT -> badAccept();
            case NO_SUCH_ROUTE -> { /* the route itself, chosen in validBase() */ }
        }
        if (r.nextInt(10) < 6) {
            addNoise(1 + r.nextInt(3));
        }
        if (endpoint == Endpoint.UNKNOWN_ROUTE && d != Defect.NO_SUCH_ROUTE) {
            variant = variant + ", on " + route;
        }
        return render(d);
    }

    /** The request as it goes on the wire, with the defect {@code d} applied to the rendered body where it lives there. */
    private BadInputRequest render(Defect d) {
        byte[] rendered = bodyBytes != null ? bodyBytes : body == null ? null : utf8(json(body));
        switch (d == null ? Defect.BAD_FIELD : d) {
            case MALFORMED_JSON -> rendered = malformed(rendered);
            case NOT_AN_OBJECT -> rendered = notAnObject(rendered);
            case WRONG_CONTENT_TYPE -> wrongContentType();
            case TOO_LARGE -> rendered = tooLarge(rendered);
            default -> { }
        }
        List<String[]> all = new ArrayList<>();
        if (auth != null) all.add(auth);
        if (rendered != null && contentType != null) all.add(new String[]{"Content-Type", contentType});
        all.addAll(headers);
        String target = path + (query.isEmpty() ? "" : "?" + String.join("&", query.stream().map(p -> p[1] == null ? p[0] : p[0] + "=" + p[1]).toList()));
        return new BadInputRequest(endpoint.label(), defect, variant, List.copyOf(noise), method, target, all, rendered, chunked, raw);
    }

    private Defect pickDefect() {
        List<Defect> defects = Arrays.stream(Defect.values()).filter(x -> x.appliesTo(endpoint)).toList();
        int n = r.nextInt(defects.stream().mapToInt(x -> x.weight).sum());
        for (Defect x : defects) {
            n -= x.weight;
            if (n < 0) return x;
        }
        throw new IllegalStateException();
    }

    private Endpoint pickEndpoint() {
        int total = Arrays.stream(Endpoint.values()).mapToInt(e -> e.weight).sum();
        int n = r.nextInt(total);
        for (Endpoint e : Endpoint.values()) {
            n -= e.weight;
            if (n < 0) return e;
        }
        throw new IllegalStateException();
    }

    // ---------------------------------------------------------------- the valid request each defect starts from

    private void validBase() {
        method = endpoint.method;
        path = endpoint.hasId() ? endpoint.template.replace("{id}", fx.ownConversation()) : endpoint.template;
        if (!endpoint.isPublic()) {
            auth = r.nextBoolean() ? new String[]{"Authorization", "Bearer " + fx.key()} : new String[]{"X-API-Key", fx.key()};
        }
        contentType = "application/json";
        if (endpoint == Endpoint.UNKNOWN_ROUTE) {
            noSuchRoute();
            return;
        }
        body = switch (endpoint) {
            case REGISTER -> validRegistration();
            case LOGIN -> validLogin();
            case CREATE_EXPORT -> validExport();
            case CREATE -> validCreation();
            case UPDATE -> validUpdate();
            case POST_MESSAGE -> validMessage();
            case SEARCH -> validSearch();
            default -> null;
        };
        if (endpoint == Endpoint.LIST) {
            if (r.nextInt(3) == 0) query.add(new String[]{"page", String.valueOf(1 + r.nextInt(5))});
            if (r.nextInt(3) == 0) query.add(new String[]{"per_page", String.valueOf(1 + r.nextInt(100))});
            if (r.nextInt(3) == 0) query.add(new String[]{"sort", pick("created_at", "-created_at", "updated_at", "-updated_at")});
            if (r.nextInt(4) == 0) query.add(new String[]{"status", pick("processing", "completed", "failed")});
            if (r.nextInt(4) == 0) query.add(new String[]{"source", pick("email", "whatsapp", "api")});
        } else if (endpoint == Endpoint.MODELS) {
            query.add(new String[]{"type", pick("llm", "sd")});
        } else if (endpoint == Endpoint.ACCOUNT_USAGE) {
            if (r.nextBoolean()) query.add(new String[]{"from", pick("2024-01-01", "2025-06-30", "2024-01-01T00:00:00Z")});
            if (r.nextBoolean()) query.add(new String[]{"to", pick("2025-07-01", "2025-12-31T23:59:59%2B01:00")});
        } else if (endpoint == Endpoint.LIST_MESSAGES) {
            if (r.nextInt(3) == 0) query.add(new String[]{"page", String.valueOf(1 + r.nextInt(5))});
            if (r.nextInt(3) == 0) query.add(new String[]{"per_page", String.valueOf(1 + r.nextInt(100))});
        }
    }

    private Map<String, Object> validRegistration() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", "bad-input-" + hex(16) + "@example.com");
        // 8 to 18 characters, odd ones included: at most 4 bytes each, so always within the rule's 72 bytes of UTF-8
        m.put("password", nonBlank(8, 18, Atoms.TEXT));
        if (r.nextInt(3) == 0) m.put("name", text(0, 60, Atoms.TEXT));
        if (r.nextInt(3) == 0) m.put("company_name", text(0, 60, Atoms.TEXT));
        return m;
    }

    /** The fixture account's own credentials: only a defect keeps this from logging in. */
    private Map<String, Object> validLogin() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", r.nextBoolean() ? fx.email() : fx.email().toUpperCase(Locale.ROOT));
        m.put("password", PASSWORD);
        return m;
    }

    private Map<String, Object> validExport() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", pick("json", "csv", "md", "pdf"));
        if (r.nextBoolean()) m.put("filters", new LinkedHashMap<>(Map.of("date_from", "2024-01-01", "date_to", "2024-12-31")));
        if (r.nextBoolean()) m.put("options", new LinkedHashMap<>(Map.of("include_attachments", r.nextBoolean())));
        return m;
    }

    private Map<String, Object> validSearch() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", pick("pricing", "\"pricing plan\"", "pric*", "refund invoice", "onboarding OR hiring"));
        if (r.nextBoolean()) m.put("sort", pick("relevance", "created_at"));
        if (r.nextInt(3) == 0) m.put("page", 1 + r.nextInt(5));
        if (r.nextInt(3) == 0) m.put("per_page", 1 + r.nextInt(100));
        if (r.nextInt(3) == 0) {
            Map<String, Object> filters = new LinkedHashMap<>();
            filters.put("date_from", "2024-01-01");
            filters.put("topics", List.of("pricing"));
            filters.put("sentiment", pick("positive", "neutral", "negative"));
            m.put("filters", filters);
        }
        return m;
    }

    private Map<String, Object> validCreation() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", nonBlank(1, 80, Atoms.TEXT));
        if (r.nextBoolean()) m.put("content", text(0, 300, Atoms.TEXT));
        if (r.nextInt(3) == 0) m.put("source", pick("email", "whatsapp", "api"));
        if (r.nextInt(3) == 0) m.put("metadata", validMetadata());
        if (r.nextInt(4) == 0) m.put("system_prompt", text(0, 200, Atoms.TEXT));
        if (r.nextInt(5) == 0) m.put("llm_id", text(1, 40, Atoms.TEXT));
        if (r.nextInt(5) == 0) m.put("agent_id", text(1, 40, Atoms.TEXT));
        if (r.nextInt(4) == 0) {
            List<Object> messages = new ArrayList<>();
            for (int i = r.nextInt(3); i >= 0; i--) messages.add(validInitialMessage());
            m.put("messages", messages);
        }
        return m;
    }

    private Map<String, Object> validInitialMessage() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.nextBoolean()) m.put("role", pick("user", "agent", "system"));
        m.put("content", nonBlank(1, 200, Atoms.TEXT));
        return m;
    }

    private Map<String, Object> validUpdate() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", nonBlank(1, 80, Atoms.TEXT));
        if (r.nextBoolean()) m.put("content", text(0, 300, Atoms.TEXT));
        if (r.nextInt(3) == 0) m.put("metadata", validMetadata());
        if (r.nextInt(4) == 0) m.put("system_prompt", text(0, 200, Atoms.TEXT));
        if (r.nextInt(5) == 0) m.put("llm_id", text(1, 40, Atoms.TEXT));
        if (r.nextInt(5) == 0) m.put("agent_id", text(1, 40, Atoms.TEXT));
        return m;
    }

    private Map<String, Object> validMessage() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("content", nonBlank(1, 300, Atoms.TEXT));
        if (r.nextInt(4) == 0) m.put("llm_id", text(1, 40, Atoms.TEXT));
        if (r.nextInt(4) == 0) m.put("verbose", r.nextBoolean());
        return m;
    }

    private Map<String, Object> validMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) m.put(validMetadataKey(), anyJson(2));
        return m;
    }

    private String validMetadataKey() {
        String key;
        do {
            key = text(1, 30, Atoms.KEY);
        } while (key.isEmpty() || key.length() > 100 || key.contains(".") || key.startsWith("$"));
        return key;
    }

    // ---------------------------------------------------------------- fatal defects

    private void noKey() {
        lockedAuth = true;
        switch (r.nextInt(4)) {
            case 0 -> { variant = "no Authorization and no X-API-Key"; auth = null; }
            case 1 -> { variant = "X-API-Key blank, no Authorization"; auth = new String[]{"X-API-Key", pick(" ", "  ", "\t")}; }
            case 2 -> { variant = "Authorization: Bearer with nothing after it"; auth = new String[]{"Authorization", "Bearer"}; }
            default -> { variant = "Authorization: Bearer followed by spaces only"; auth = new String[]{"Authorization", "Bearer    "}; }
        }
    }

    private void badKey() {
        lockedAuth = true;
        String key = fx.key();
        switch (r.nextInt(11)) {
            case 0 -> { variant = "unknown sk_ key"; auth = bearer("sk_" + base64url(32)); }
            case 1 -> { variant = "the key truncated"; auth = bearer(key.substring(0, 3 + r.nextInt(key.length() - 4))); }
            case 2 -> { variant = "the key with extra characters"; auth = bearer(key + base64url(1 + r.nextInt(4))); }
            case 3 -> {
                variant = "the key with one character changed";
                int i = 3 + r.nextInt(key.length() - 3);
                char c = key.charAt(i) == 'A' ? 'B' : 'A';
                auth = bearer(key.substring(0, i) + c + key.substring(i + 1));
            }
            case 4 -> { variant = "Basic credentials instead of a key"; auth = new String[]{"Authorization", "Basic " + Base64.getEncoder().encodeToString((fx.email() + ":correct horse battery").getBytes(StandardCharsets.UTF_8))}; }
            case 5 -> { variant = "the key without the Bearer scheme"; auth = new String[]{"Authorization", pick("", "Token ", "Key ", "ApiKey ") + key}; }
            case 6 -> { variant = "a wrong X-API-Key next to a good Authorization"; auth = new String[]{"X-API-Key", "sk_" + base64url(32)}; headers.add(bearer(key)); }
            case 7 -> { variant = "a 4 KB key"; auth = bearer("sk_" + base64url(4000)); }
            case 8 -> { variant = "a key with non-ASCII bytes (UTF-8 in the header)"; auth = bearer("sk_" + text(5, 30, Atoms.VISIBLE_UNICODE)); raw = true; }
            case 9 -> { variant = "lowercase bearer with an unknown key"; auth = new String[]{"Authorization", "bearer sk_" + base64url(32)}; }
            default -> { variant = "an Authorization header over 8 KB"; auth = bearer("sk_" + base64url(7000)); }
        }
    }

    private String[] bearer(String value) {
        return new String[]{"Authorization", "Bearer " + value};
    }

    private void wrongMethod() {
        Set<String> allowed = endpoint.allowedMethods();
        List<String> candidates = new ArrayList<>();
        for (String m : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "TRACE", "FOO", "PROPFIND", "get", "post", "delete", "patch")) {
            if (!allowed.contains(m)) candidates.add(m);
        }
        method = candidates.get(r.nextInt(candidates.size()));
        variant = method + " on " + endpoint.template;
        if (body == null && !method.equals("HEAD") && !method.equals("TRACE") && r.nextBoolean()) {
            body = endpoint.hasId() && r.nextBoolean() ? validUpdate() : validCreation();
        }
        if (method.equals("HEAD") || method.equals("TRACE")) {
            body = null; // neither carries a body
        }
    }

    private void id(String what, String id) {
        variant = what;
        path = endpoint.template.replace("{id}", id);
    }

    private void malformedId() {
        String own = fx.ownConversation();
        String ulid = own.substring(5);
        String id;
        switch (r.nextInt(16)) {
            case 0 -> { variant = "not an id at all"; id = pick("not-an-id", "null", "undefined", "0", "-1", "true", "conversation", "me", "search", "*"); }
            case 1 -> { variant = "prefix only"; id = pick("conv_", "conv", "conv-"); }
            case 2 -> { variant = "one character short"; id = "conv_" + crockford(25); }
            case 3 -> { variant = "one character too many"; id = own + pick("0", "Z", "x"); }
            case 4 -> { variant = "lowercase ULID"; id = "conv_" + ulid.toLowerCase(Locale.ROOT); }
            case 5 -> { variant = "uppercase prefix"; id = "CONV_" + ulid; }
            case 6 -> { variant = "another type's prefix"; id = pick("msg_", "usr_", "key_", "soul_", "con_") + ulid; }
            case 7 -> {
                variant = "a letter Crockford base32 leaves out (I L O U)";
                int i = r.nextInt(26);
                id = "conv_" + ulid.substring(0, i) + pick("I", "L", "O", "U") + ulid.substring(i + 1);
            }
            case 8 -> { variant = "odd unicode, percent-encoded"; id = "conv_" + encode(pathText(1, 26)); }
            case 9 -> { variant = "2,000 characters"; id = "conv_" + crockford(2000); }
            case 10 -> { variant = "separator dash instead of underscore"; id = "conv-" + ulid; }
            case 11 -> { variant = "an encoded space or tab around the id"; id = pick("%20", "%09", "+") + own; }
            case 12 -> {
                variant = "path with %00, %2F or %5C (refused by the servlet container)";
                id = "conv_" + pick("%00", "%2F", "%5C", "%25%00") + crockford(4);
            }
            case 13 -> {
                String bad = pick("%FF", "%C3%28", "%ED%A0%80", "%C0%AF", "%F8%88%80%80%80");
                variant = "path with bytes that are not UTF-8";
                id = "conv_" + bad + crockford(4);
            }
            case 14 -> {
                String bad = pick("%", "%zz", "%4", "%G0");
                variant = "path with a malformed percent-escape";
                id = "conv_" + crockford(3) + bad;
                raw = true;
            }
            default -> { variant = "URI over 8 KB"; id = "conv_" + crockford(9000); }
        }
        path = endpoint.template.replace("{id}", id);
    }

    private void badField() {
        Map<String, Object> m = body;
        switch (endpoint) {
            case REGISTER -> {
                switch (r.nextInt(6)) {
                    case 0 -> requiredText(m, "email");
                    case 1 -> {
                        String email = invalidEmail();
                        variant = "email: not an email address";
                        m.put("email", email);
                        lockedFields.add("email");
                    }
                    case 2 -> {
                        variant = "email: over 254 characters";
                        m.put("email", "a".repeat(250 + r.nextInt(2000)) + "@example.com");
                        lockedFields.add("email");
                    }
                    case 3 -> {
                        int kind = r.nextInt(3);
                        if (kind == 0) {
                            requiredText(m, "password");
                        } else if (kind == 1) {
                            variant = "password: under 8 characters";
                            m.put("password", nonBlank(1, 7, Atoms.TEXT));
                            lockedFields.add("password");
                        } else {
                            overLimit(m, "password", 72);
                        }
                    }
                    case 4 -> { if (r.nextBoolean()) overLimit(m, "name", 200); else wrongTextType(m, "name"); }
                    default -> { if (r.nextBoolean()) overLimit(m, "company_name", 200); else wrongTextType(m, "company_name"); }
                }
            }
            case LOGIN -> {
                switch (r.nextInt(5)) {
                    case 0 -> requiredText(m, "email");
                    case 1 -> { lockedFields.add("password"); if (r.nextBoolean()) { variant = "password: missing"; m.remove("password"); } else wrongTextType(m, "password"); }
                    case 2 -> { variant = "password: another one"; m.put("password", PASSWORD + nonBlank(1, 5, Atoms.TEXT)); lockedFields.add("password"); }
                    case 3 -> wrongTextType(m, pick("id_token", "firebase_token"));
                    default -> {
                        // an id token is not configured here, and never taken together with a password
                        variant = "an id token that is no token";
                        if (r.nextBoolean()) { m.remove("email"); m.remove("password"); }
                        m.put(pick("id_token", "firebase_token"), pick("", "x", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", text(1, 40, Atoms.ODD)));
                        lockedFields.addAll(List.of("email", "password", "id_token", "firebase_token"));
                    }
                }
            }
            case CREATE_EXPORT -> {
                lockedFields.addAll(List.of("format", "filters", "options"));
                switch (r.nextInt(6)) {
                    case 0 -> requiredText(m, "format");
                    case 1 -> { variant = "format: not one of the four"; m.put("format", pick("xml", "PDF", "docx", "json ", "zip", text(1, 20, Atoms.ODD))); }
                    case 2 -> {
                        variant = "filters: a date that is none";
                        m.put("filters", new LinkedHashMap<>(Map.of(pick("date_from", "date_to"), pick("2024-02-30", "yesterday", "2024-13-01", "01/02/2024", "", "2024-1-1"))));
                    }
                    case 3 -> { variant = "filters: date_from after date_to"; m.put("filters", new LinkedHashMap<>(Map.of("date_from", "2024-03-01", "date_to", "2024-02-01"))); }
                    case 4 -> { variant = "filters: not an object"; m.put("filters", pick("2024-01-01", 5, List.of("2024-01-01"), true)); }
                    default -> { variant = "options.include_attachments: not a boolean"; m.put("options", new LinkedHashMap<>(Map.of("include_attachments", pick("yes", List.of(), Map.of("a", 1))))); }
                }
            }
            case CREATE -> {
                switch (r.nextInt(10)) {
                    case 0, 1 -> requiredText(m, "title");
                    case 2 -> overLimit(m, "title", 200);
                    case 3 -> { if (r.nextBoolean()) overLimit(m, "content", 10_000); else wrongTextType(m, "content"); }
                    case 4 -> invalidSource(m);
                    case 5 -> wrongTextType(m, pick("system_prompt", "llm_id", "agent_id"));
                    case 6, 7 -> badMetadata(m);
                    default -> badMessages(m);
                }
            }
            case UPDATE -> {
                switch (r.nextInt(7)) {
                    case 0 -> { variant = "title: blank"; m.put("title", blank()); lockedFields.add("title"); }
                    case 1 -> overLimit(m, "title", 200);
                    case 2 -> wrongTextType(m, "title");
                    case 3 -> { if (r.nextBoolean()) overLimit(m, "content", 10_000); else wrongTextType(m, "content"); }
                    case 4 -> wrongTextType(m, pick("system_prompt", "llm_id", "agent_id"));
                    default -> badMetadata(m);
                }
            }
            case POST_MESSAGE -> {
                switch (r.nextInt(5)) {
                    case 0, 1 -> requiredText(m, "content");
                    case 2 -> overLimit(m, "content", 10_000);
                    case 3 -> wrongTextType(m, "llm_id");
                    default -> {
                        // not 1, "true" or "": those a lenient binder may take for a boolean
                        Object value = pick(new LinkedHashMap<>(Map.of("a", 1)), List.of(true), "maybe", "yes", new Raw("[]"));
                        variant = "verbose: " + jsonType(value) + " instead of a boolean";
                        m.put("verbose", value);
                        lockedFields.add("verbose");
                    }
                }
            }
            case SEARCH -> {
                switch (r.nextInt(7)) {
                    case 0, 1 -> requiredText(m, "query");
                    case 2 -> overLimit(m, "query", 500);
                    case 3 -> { variant = "query: unclosed phrase"; m.put("query", "\"pricing plan"); lockedFields.add("query"); }
                    case 4 -> { variant = "sort: not relevance or created_at"; m.put("sort", pick("x", "-relevance", "score", "")); lockedFields.add("sort"); }
                    case 5 -> {
                        Object value = pick(1000, 0, -1, "many", new Raw("[]"));
                        variant = "per_page: " + value + " (" + jsonType(value) + ")";
                        m.put("per_page", value);
                        lockedFields.add("per_page");
                    }
                    default -> {
                        Object value = pick("yesterday", "2024-13-01", 20240101, new Raw("{}"));
                        variant = "filters.date_from: " + jsonType(value) + " that is no date";
                        m.put("filters", new LinkedHashMap<>(Map.of("date_from", value)));
                        lockedFields.add("filters");
                    }
                }
            }
            default -> throw new IllegalStateException(endpoint.name());
        }
    }

    /** A required text field: absent, null, blank, or of another JSON type. */
    private void requiredText(Map<String, Object> m, String field) {
        lockedFields.add(field);
        switch (r.nextInt(4)) {
            case 0 -> { variant = field + ": missing"; m.remove(field); }
            case 1 -> { variant = field + ": null"; m.put(field, Null.NULL); }
            case 2 -> { variant = field + ": blank"; m.put(field, blank()); }
            default -> wrongTextType(m, field);
        }
    }

    private void wrongTextType(Map<String, Object> m, String field) {
        Object value = wrongTypeForText();
        variant = field + ": " + jsonType(value) + " instead of a string";
        m.put(field, value);
        lockedFields.add(field);
    }

    private void overLimit(Map<String, Object> m, String field, int max) {
        int over = r.nextInt(8) == 0 ? max * 10 + r.nextInt(max * 20) : 1 + r.nextInt(Math.max(2, max / 4));
        variant = field + ": over " + max + " characters";
        m.put(field, textAtLeast(max + over, r.nextBoolean() ? Atoms.TEXT : Atoms.ODD));
        lockedFields.add(field);
    }

    private void invalidSource(Map<String, Object> m) {
        lockedFields.add("source");
        if (r.nextInt(4) == 0) {
            wrongTextType(m, "source");
            return;
        }
        String s;
        do {
            s = r.nextBoolean() ? pick("fax", "EMAIL", "Email", "e-mail", "sms", "", " email", "email ", "api\u0000", "whats app",
                    "émail", "e\u0301mail", "api\u200F", "\u202Eliame", "ａｐｉ", "WhatsApp") : text(0, 20, Atoms.ODD);
        } while (Set.of("email", "whatsapp", "api").contains(s));
        variant = "source: not one of email, whatsapp, api";
        m.put("source", s);
    }

    private void badMetadata(Map<String, Object> m) {
        lockedFields.add("metadata");
        switch (r.nextInt(4)) {
            case 0, 1 -> {
                Map<String, Object> metadata = validMetadata();
                String key = switch (r.nextInt(6)) {
                    case 0 -> pick("", ".", "a.b", "x.", ".x", "$", "$x", "$where", "$set", "a..b");
                    case 1 -> "$" + validMetadataKey();
                    case 2 -> validMetadataKey() + "." + validMetadataKey();
                    case 3 -> textAtLeast(101 + r.nextInt(300), Atoms.KEY);
                    case 4 -> "$" + textAtLeast(1 + r.nextInt(5), Atoms.KEY);
                    default -> "." + validMetadataKey();
                };
                variant = "metadata: a key that is empty, over 100 characters, has '.' or starts with '$'";
                // keep the bad key among the good ones, at a random place
                Map<String, Object> withBad = new LinkedHashMap<>();
                int at = r.nextInt(metadata.size() + 1);
                int i = 0;
                for (var e : metadata.entrySet()) {
                    if (i++ == at) withBad.put(key, anyJson(2));
                    withBad.put(e.getKey(), e.getValue());
                }
                if (!withBad.containsKey(key)) withBad.put(key, anyJson(2));
                m.put("metadata", withBad);
            }
            case 2 -> {
                variant = "metadata: over 100 keys";
                Map<String, Object> many = new LinkedHashMap<>();
                int n = 101 + r.nextInt(60);
                while (many.size() < n) many.put("k" + many.size() + validMetadataKey(), anyJson(1));
                m.put("metadata", many);
            }
            default -> {
                Object value = switch (r.nextInt(5)) {
                    case 0 -> text(0, 20, Atoms.TEXT);
                    case 1 -> r.nextInt();
                    case 2 -> r.nextBoolean();
                    case 3 -> List.of();
                    default -> List.of(anyJson(1), anyJson(1));
                };
                variant = "metadata: " + jsonType(value) + " instead of an object";
                m.put("metadata", value);
            }
        }
    }

    private void badMessages(Map<String, Object> m) {
        lockedFields.add("messages");
        if (r.nextInt(5) == 0) {
            Object value = switch (r.nextInt(4)) {
                case 0 -> text(0, 20, Atoms.TEXT);
                case 1 -> r.nextInt();
                case 2 -> r.nextBoolean();
                default -> validInitialMessage();
            };
            variant = "messages: " + jsonType(value) + " instead of an array";
            m.put("messages", value);
            return;
        }
        List<Object> messages = new ArrayList<>();
        for (int i = r.nextInt(3); i >= 0; i--) messages.add(validInitialMessage());
        int at = r.nextInt(messages.size());
        Object bad;
        switch (r.nextInt(6)) {
            case 0 -> {
                bad = pick(Null.NULL, 7, "", text(1, 10, Atoms.TEXT), true, List.of());
                variant = "messages[i]: " + jsonType(bad) + " instead of an object";
            }
            case 1 -> {
                Map<String, Object> msg = validInitialMessage();
                switch (r.nextInt(3)) {
                    case 0 -> { msg.remove("content"); variant = "messages[i].content: missing"; }
                    case 1 -> { msg.put("content", Null.NULL); variant = "messages[i].content: null"; }
                    default -> { msg.put("content", blank()); variant = "messages[i].content: blank"; }
                }
                bad = msg;
            }
            case 2 -> {
                Map<String, Object> msg = validInitialMessage();
                msg.put("content", textAtLeast(10_001 + r.nextInt(3000), Atoms.TEXT));
                variant = "messages[i].content: over 10000 characters";
                bad = msg;
            }
            case 3 -> {
                Map<String, Object> msg = validInitialMessage();
                Object v = wrongTypeForText();
                msg.put("content", v);
                variant = "messages[i].content: " + jsonType(v) + " instead of a string";
                bad = msg;
            }
            case 4 -> {
                Map<String, Object> msg = validInitialMessage();
                String role;
                do {
                    role = r.nextBoolean() ? pick("assistant", "USER", "User", "bot", "", "user ", "admin", "agent\u0000", "sуstem") : text(0, 12, Atoms.ODD);
                } while (Set.of("user", "agent", "system").contains(role));
                msg.put("role", role);
                variant = "messages[i].role: not one of user, agent, system";
                bad = msg;
            }
            default -> {
                Map<String, Object> msg = validInitialMessage();
                Object v = wrongTypeForText();
                msg.put("role", v);
                variant = "messages[i].role: " + jsonType(v) + " instead of a string";
                bad = msg;
            }
        }
        messages.set(at, bad);
        m.put("messages", messages);
    }

    private String invalidEmail() {
        String email;
        do {
            email = switch (r.nextInt(3)) {
                case 0 -> pick("nope", "a@b", "@example.com", "a@", "a@@example.com", "a b@example.com", "a@exa mple.com",
                        "a@example.", "a@.com", "a\t@example.com", "example.com", "a@b@c.com", ".@.", "@", "a@example.com\nb");
                case 1 -> text(1, 40, Atoms.TEXT).replace("@", "");
                default -> text(1, 10, Atoms.VISIBLE_UNICODE).replace("@", "") + "@" + text(1, 10, Atoms.VISIBLE_UNICODE).replace(".", "").replace("@", "");
            };
        } while (validEmail(email));
        return email;
    }

    /** The account rule, so that an "invalid" email is certainly refused. */
    static boolean validEmail(String email) {
        String e = email.strip().toLowerCase(Locale.ROOT);
        return !e.isBlank() && e.length() <= 254 && EMAIL.matcher(e).matches();
    }

    private void badQuery() {
        if (endpoint == Endpoint.ACCOUNT_USAGE && r.nextInt(3) > 0) {
            badPeriod();
            return;
        }
        boolean list = endpoint == Endpoint.LIST;
        // the period takes no page or per_page: only the query's encoding can be broken the same way
        int kind = endpoint == Endpoint.ACCOUNT_USAGE ? 2 + r.nextInt(2) : r.nextInt(list ? 8 : 4);
        String name;
        String value;
        switch (kind) {
            case 0 -> {
                name = "page";
                value = pick("-1", "0", "-0", "+0", "-2147483648", "abc", "1.5", "1e3", "99999999999", "2147483648", "NaN",
                        "Infinity", "one", "1a", "x" + encode(text(1, 6, Atoms.VISIBLE_UNICODE)), "1%E2%80%8F", "true");
                variant = "page: not a number of at least 1";
            }
            case 1 -> {
                name = "per_page";
                value = pick("abc", "0", "-1", "-0", "101", "1000", "100000", "2147483648", "1.0", "1e2", "x", "%E2%80%AE5", "all");
                variant = "per_page: not a number from 1 to 100";
            }
            case 2 -> {
                name = pick("page", "per_page", "foo", "sort");
                value = pick("%", "%zz", "%4", "%G0", "abc%", "%%");
                variant = "query with a malformed percent-escape";
                raw = true;
            }
            case 3 -> {
                name = pick("page", "per_page", "x");
                value = pick("%FF", "%C3%28", "%ED%A0%80", "%F8%88%80%80%80", "%C0%AF");
                variant = "query with bytes that are not UTF-8";
            }
            case 4 -> {
                name = "sort";
                value = pick("title", "created", "CREATED_AT", "-title", "--created_at", "%2Bcreated_at", "+created_at", "asc",
                        "desc", "created_at%20", "created_at%00", "created_at%E2%80%8F", "-", "_id", "%24natural", encode(text(1, 12, Atoms.VISIBLE_UNICODE)) + "x");
                variant = "sort: not one of created_at, updated_at, -created_at, -updated_at";
            }
            case 5 -> {
                name = "status";
                value = pick("done", "PROCESSING", "deleted", "archived", "completed%20", "%00", "x" + encode(text(1, 8, Atoms.VISIBLE_UNICODE)));
                variant = "status: not one of processing, completed, failed";
            }
            case 6 -> {
                name = "source";
                value = pick("fax", "EMAIL", "sms", "api%00", "whats+app", "x" + encode(text(1, 8, Atoms.VISIBLE_UNICODE)));
                variant = "source: not one of email, whatsapp, api";
            }
            default -> {
                name = pick("sort", "status", "source");
                List<String> two = switch (name) {
                    case "sort" -> List.of("created_at", "-updated_at");
                    case "status" -> List.of("processing", "completed");
                    default -> List.of("email", "api");
                };
                variant = "sort, status or source given twice";
                query.removeIf(p -> p[0].equals(name));
                lockedParams.add(name);
                query.add(r.nextInt(query.size() + 1), new String[]{name, two.get(0)});
                query.add(new String[]{name, two.get(1)});
                return;
            }
        }
        query.removeIf(p -> p[0].equals(name));
        lockedParams.add(name);
        query.add(r.nextInt(query.size() + 1), new String[]{name, value});
    }

    /** A usage period that is no period: a date that does not parse, from after to, or longer than the maximum. */
    private void badPeriod() {
        query.removeIf(p -> p[0].equals("from") || p[0].equals("to"));
        lockedParams.add("from");
        lockedParams.add("to");
        switch (r.nextInt(4)) {
            case 0, 1 -> {
                String name = pick("from", "to");
                query.add(new String[]{name, pick("2024-13-01", "2024-02-30", "yesterday", "", "2024-1-1", "01/02/2024", "2024-01-01T25:00:00Z",
                        "2024-01-01T10:00:00", "1704067200", "%2B2024-01-01", "2024-01-01%00", "x" + encode(text(1, 8, Atoms.VISIBLE_UNICODE)))});
                variant = name + ": not an ISO 8601 date";
            }
            case 2 -> {
                query.add(new String[]{"from", "2025-03-02"});
                query.add(new String[]{"to", pick("2025-03-01", "2024-12-31", "2025-03-01T23:59:59Z")});
                variant = "from after to";
            }
            default -> {
                query.add(new String[]{"from", pick("2020-01-01", "0001-01-01", "2023-12-31")});
                query.add(new String[]{"to", pick("2025-01-01", "9999-12-31")});
                variant = "a period longer than a year";
            }
        }
    }

    private void badAccept() {
        lockedAccept = true;
        String accept = pick("text/html", "application/xml", "image/png", "text/plain", "text/csv", "application/pdf",
                "text/html, image/*", "application/octet-stream", "text/event-stream");
        variant = "Accept without JSON";
        headers.add(new String[]{"Accept", accept});
    }

    private void noSuchRoute() {
        String own = fx.ownConversation();
        method = pick("GET", "POST", "PUT", "PATCH", "DELETE");
        path = pick("/v1/conversation", "/v1/conversations/", "/v1/conversations/" + own + "/",
                "/v1/conversations/" + own + "/messages/", "/v1/conversations/" + own + "/messages/msg_" + crockford(26),
                "/v1/conversations/" + own + "/attachments/", "/v2/conversations",
                "/v1", "/", "/v1/auth/register/", "/v1/me/", "/v1/api-keys/", "/v1/soul", "/V1/conversations",
                "/v1/CONVERSATIONS", "/v1/conversations.json", "/v1/health/", "/actuator/env", "/error",
                "/v1/x" + encode(pathText(1, 10)));
        route = method + " " + path.replace(own, "{own id}");
        variant = route;
        if (!method.equals("GET") && !method.equals("DELETE") || r.nextInt(4) == 0) {
            body = path.startsWith("/v1/auth") ? validRegistration() : path.contains("/messages") ? validMessage() : validCreation();
        }
    }

    // ---------------------------------------------------------------- defects applied to the rendered body

    private byte[] malformed(byte[] valid) {
        String json = new String(valid, StandardCharsets.UTF_8);
        int close = json.lastIndexOf('}');
        String inner = json.substring(1); // everything after the opening brace
        switch (r.nextInt(14)) {
            case 0, 1 -> {
                int at = r.nextInt(close);
                variant = "truncated JSON";
                return Arrays.copyOf(valid, utf8(json.substring(0, at)).length);
            }
            case 2 -> { variant = "garbage after '{'"; return utf8("{" + pick("garbage", ",", ":", "]", "}", "\"", "{", "=") + inner); }
            case 3 -> { variant = "trailing comma"; return utf8(json.substring(0, close) + ",}"); }
            case 4 -> { variant = "single-quoted key"; return utf8("{'x':1," + inner); }
            case 5 -> { variant = "unquoted key"; return utf8("{x:1," + inner); }
            case 6 -> { variant = "NaN, Infinity or undefined as a value"; return utf8("{\"x\":" + pick("NaN", "Infinity", "-Infinity", "undefined", "'1'", "0x10", "01") + "," + inner); }
            case 7 -> { variant = "a comment"; return utf8("{" + pick("/* c */", "// c\n", "# c\n") + inner); }
            case 8 -> { variant = "invalid escape in a string"; return utf8("{\"x\":\"a" + pick("\\q", "\\x41", "\\u12", "\\uZZZZ", "\\ ", "\\'") + "b\"," + inner); }
            case 9 -> {
                variant = "raw control character in a string";
                return concat(utf8("{\"x\":\"a"), new byte[]{(byte) (int) pick(0x00, 0x01, 0x08, 0x0A, 0x0D, 0x1B, 0x1F)}, utf8("b\"," + inner));
            }
            case 10 -> {
                variant = "bytes that are not UTF-8 in a string";
                byte[][] bad = {{(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0x80}, {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
                return concat(utf8("{\"x\":\"a"), bad[r.nextInt(bad.length)], utf8("b\"," + inner));
            }
            case 11 -> { variant = "garbage before the JSON"; return utf8(pick(")]}',\n", "x", "<", "\u0000", "while(1);") + json); }
            case 12 -> { variant = "trailing tokens after the JSON"; return utf8(json + pick("}", " {}", "x", ",", "]", " \"a\"", "\u0000")); }
            default -> {
                variant = "nesting deeper than the parser allows";
                int depth = 3000 + r.nextInt(3000);
                return utf8("{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "," + inner);
            }
        }
    }

    private byte[] notAnObject(byte[] valid) {
        String json = new String(valid, StandardCharsets.UTF_8);
        switch (r.nextInt(7)) {
            case 0 -> { variant = "an array holding the object"; return utf8("[" + json + "]"); }
            case 1 -> { variant = "an empty array"; return utf8("[]"); }
            case 2 -> { variant = "a string"; return utf8(json(text(0, 30, Atoms.TEXT))); }
            case 3 -> { variant = "a number"; return utf8(pick("0", "1", "-1.5", "1e400", "123456789012345678901234567890")); }
            case 4 -> { variant = "a boolean"; return utf8(pick("true", "false")); }
            case 5 -> { variant = "null"; return utf8("null"); }
            default -> { variant = "an empty body"; return new byte[0]; }
        }
    }

    private void wrongContentType() {
        List<String> types = new ArrayList<>(List.of("text/plain", "text/plain; charset=utf-8", "application/xml", "text/xml",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=----x", "application/octet-stream",
                "application/jsonx", "json", "application/", "text/json", "application/json; charset=bogus",
                "application/javascript", "image/png", "(none)", "(empty)"));
        if (endpoint != Endpoint.REGISTER) {
            // the conversation writes consume application/json only; registration also reads application/*+json and YAML
            types.addAll(List.of("application/vnd.api+json", "application/merge-patch+json", "application/json-patch+json",
                    "application/yaml", "*/*", "application/*"));
        }
        if (r.nextInt(8) == 0) {
            types = List.of("multipart/form-data", "multipart/mixed", "multipart/form-data; charset=utf-8");
        }
        String type = types.get(r.nextInt(types.size()));
        variant = "Content-Type: " + type;
        contentType = switch (type) {
            case "(none)" -> null;
            case "(empty)" -> "";
            default -> type;
        };
    }

    private byte[] tooLarge(byte[] valid) {
        int target = BODY_LIMIT + 1 + (r.nextInt(4) == 0 ? 0 : r.nextInt(400_000));
        chunked = endpoint.readsBody() && r.nextBoolean();
        String how = chunked ? " (chunked, no Content-Length)" : " (with Content-Length)";
        Map<String, Object> m = body == null ? new LinkedHashMap<>() : body;
        int base;
        String field = switch (endpoint) {
            case REGISTER -> pick("padding", "name", "password");
            case CREATE, UPDATE -> pick("padding", "content", "title", "system_prompt");
            case POST_MESSAGE -> pick("padding", "content");
            default -> "padding";
        };
        m.put(field, "");
        base = utf8(json(m)).length;
        int pad = Math.max(0, target - base);
        byte[] bytes;
        do {
            // escapes are chosen at random, so the size of the rest can move by a few bytes between renderings
            m.put(field, "x".repeat(pad));
            bytes = utf8(json(m));
            pad += BODY_LIMIT + 1 - bytes.length + 16;
        } while (bytes.length <= BODY_LIMIT);
        lockedFields.add(field);
        variant = "body over 1 MB in " + (field.equals("padding") ? "an unknown field" : field) + how;
        return bytes;
    }

    // ---------------------------------------------------------------- noise

    private void addNoise(int count) {
        for (int i = 0; i < count; i++) {
            switch (r.nextInt(8)) {
                case 0, 1 -> { if (body != null) extraField(); }
                case 2 -> { if (body != null) oddUnicodeValue(); }
                case 3 -> { if (body != null) wrongTypeValue(); }
                case 4 -> { if (body != null) dropField(); }
                case 5 -> extraQuery();
                case 6 -> extraHeader();
                default -> { if (body != null) extraField(); else extraQuery(); }
            }
        }
    }

    private void extraField() {
        String name;
        do {
            name = r.nextBoolean() ? pick("id", "account_id", "accountId", "tenant_id", "user_id", "created_at", "updated_at",
                    "status", "deleted", "version", "tier", "api_key", "__proto__", "constructor", "$where", "_id", "summary",
                    "message_count", "role", "owner", "", "extra", "Title ") : text(1, 20, Atoms.KEY);
        } while (isKnownField(name) || body.containsKey(name));
        body.put(name, anyJson(3));
        noise.add("extra field " + BadInputRequest.cut(name, 30));
    }

    /** Known fields, and anything a lenient binder might take for one (case, underscores, spaces). */
    private boolean isKnownField(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").strip();
        return endpoint.fields().stream().anyMatch(f -> f.replace("_", "").equals(n));
    }

    private String unlockedField() {
        List<String> fields = endpoint == Endpoint.UNKNOWN_ROUTE || endpoint.fields().isEmpty()
                ? List.of("title", "content") : endpoint.fields();
        List<String> free = fields.stream().filter(Predicate.not(lockedFields::contains)).toList();
        return free.isEmpty() ? null : free.get(r.nextInt(free.size()));
    }

    private void oddUnicodeValue() {
        String field = unlockedField();
        if (field == null) return;
        body.put(field, text(0, 60, Atoms.ODD));
        noise.add("odd unicode in " + field);
    }

    private void wrongTypeValue() {
        String field = unlockedField();
        if (field == null) return;
        Object value = r.nextBoolean() ? wrongTypeForText() : anyJson(2);
        body.put(field, value);
        noise.add(jsonType(value) + " in " + field);
    }

    private void dropField() {
        String field = unlockedField();
        if (field == null || !body.containsKey(field)) return;
        body.remove(field);
        noise.add("dropped " + field);
    }

    private void extraQuery() {
        String name;
        do {
            name = r.nextBoolean() ? pick("foo", "q", "search", "filter", "limit", "offset", "cursor", "include", "fields",
                    "page_size", "api_key", "debug", "callback", "_method") : encode(text(1, 10, Atoms.VISIBLE_UNICODE));
        } while (lockedParams.contains(name) || Set.of("page", "per_page", "sort", "status", "source", "from", "to").contains(name));
        query.add(new String[]{name, encode(text(0, 20, Atoms.VISIBLE_UNICODE))});
        noise.add("extra query parameter");
    }

    private void extraHeader() {
        switch (r.nextInt(6)) {
            case 0 -> {
                if (lockedAccept) return;
                headers.add(new String[]{"Accept", pick("application/json", "*/*", "application/*", "application/json, text/plain;q=0.5",
                        "text/html;q=0.1, application/json")});
                noise.add("Accept header");
            }
            case 1 -> { headers.add(new String[]{"X-Request-Id", base64url(10 + r.nextInt(60))}); noise.add("X-Request-Id"); }
            case 2 -> { headers.add(new String[]{"Idempotency-Key", base64url(1 + r.nextInt(100))}); noise.add("Idempotency-Key"); }
            case 3 -> { headers.add(new String[]{"User-Agent", pick("", "curl/8.0", "() { :; }; echo pwned", "<script>", "x".repeat(2000))}); noise.add("User-Agent"); }
            case 4 -> { headers.add(new String[]{"X-Forwarded-For", pick("127.0.0.1, 10.0.0.1", "not-an-ip", "::1")}); noise.add("X-Forwarded-For"); }
            default -> { headers.add(new String[]{"Cookie", "session=" + base64url(20)}); noise.add("Cookie"); }
        }
    }

    // ---------------------------------------------------------------- values

    /** A JSON value that is not a string (and not null): what a text field must refuse. */
    private Object wrongTypeForText() {
        return switch (r.nextInt(12)) {
            case 0 -> r.nextInt();
            case 1 -> 0;
            case 2 -> r.nextDouble() * 1e6;
            case 3 -> r.nextBoolean();
            case 4 -> List.of();
            case 5 -> List.of(text(0, 10, Atoms.TEXT));
            case 6 -> new LinkedHashMap<>();
            case 7 -> new LinkedHashMap<>(Map.of("a", text(0, 10, Atoms.TEXT)));
            case 8 -> new Raw("1e308");
            case 9 -> new Raw("-0");
            case 10 -> new Raw("123456789012345678901234567890");
            default -> new Raw("-1.5E-10");
        };
    }

    private Object anyJson(int depth) {
        int kind = r.nextInt(depth <= 0 ? 6 : 8);
        return switch (kind) {
            case 0, 1 -> text(0, 40, Atoms.ODD);
            case 2 -> r.nextInt();
            case 3 -> r.nextBoolean() ? r.nextDouble() : (Object) r.nextLong();
            case 4 -> r.nextBoolean();
            case 5 -> Null.NULL;
            case 6 -> {
                List<Object> list = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) list.add(anyJson(depth - 1));
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) map.put(text(0, 12, Atoms.KEY), anyJson(depth - 1));
                yield map;
            }
        };
    }

    private String blank() {
        // every one of these is whitespace to Character.isWhitespace, so String.isBlank() holds
        String[] ws = {" ", "\t", "\n", "\r", "\u000B", "\f", "\u001C", "\u001F", "\u2003", "\u3000", "\u2028", "\u205F", "\u1680"};
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(6); i > 0; i--) s.append(ws[r.nextInt(ws.length)]);
        return s.toString();
    }

    /** Building blocks of generated text. */
    enum Atoms {
        /** Mostly plain text with some odd characters: what real clients send. */
        TEXT,
        /** Heavy on the odd: NUL and controls, lone and reversed surrogates, direction marks, emoji, combining marks. */
        ODD,
        /** Odd but encodable as UTF-8 (no lone surrogates, no controls): for keys, paths, headers. */
        VISIBLE_UNICODE,
        /** Like VISIBLE_UNICODE, without '.' and '$' at the start: for valid JSON object keys. */
        KEY,
        /** As odd as valid Unicode gets: controls and NUL, direction marks, noncharacters, but no lone surrogate. */
        ODD_VALID
    }

    private static final String[] PLAIN = {"a", "b", "Z", "q", "0", "7", " ", "-", "_", "%", "\"", "\\", "/", "<", ">", "&", "'", "{", "}", "[", "]", ",", ":", "#", "?", "=", "+", "*", "\u00E9", "\u00DF"};
    private static final String[] VISIBLE = {"\u200F", "\u200E", "\u202E", "\u202D", "\u2066", "\u200D", "\u200B", "\uFEFF", "\u00AD", "\u00A0",
            "\uD83D\uDE00", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\uD83C\uDDFA\uD83C\uDDF3", "\uD83D\uDC4D\uD83C\uDFFD",
            "e\u0301", "Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319\u0324\u031E", "\u0300", "\u20DD",
            "\u6F22\u5B57", "\u0645\u0631\u062D\u0628\u0627", "\u05E9\u05DC\u05D5\u05DD", "\u0928\u092E\u0938\u094D\u0924\u0947",
            "\uD835\uDD73", "\uDBFF\uDFFF", "\uFFFD", "\uFFFC", "\u0130", "\uFB03", "\uFF45\uFF4D", "\u2028", "\u2029", "\u0085", "\u3000"};
    private static final String[] ODD_VALID_ONLY = {"\u0000", "\u0001", "\u001B", "\u007F", "\uFFFE", "\uFFFF", "\n", "\t", "\r",
            "\u202E", "\u2066", "\u0085"};
    private static final String[] ODD_ONLY = {"\u0000", "\u0001", "\u001B", "\u007F", "\uD800", "\uDBFF", "\uDC00", "\uDFFF",
            "\uDC00\uD800", "\uFFFE", "\uFFFF", "\n", "\t", "\r"};

    private String atom(Atoms kind) {
        if (acceptable && (kind == Atoms.TEXT || kind == Atoms.ODD)) {
            kind = Atoms.ODD_VALID; // the bad-input test sends the invalid Unicode; these requests should get through
        }
        int n = r.nextInt(10);
        return switch (kind) {
            case TEXT -> n < 8 ? PLAIN[r.nextInt(PLAIN.length)] : n < 9 ? VISIBLE[r.nextInt(VISIBLE.length)] : ODD_ONLY[r.nextInt(ODD_ONLY.length)];
            case ODD -> n < 3 ? PLAIN[r.nextInt(PLAIN.length)] : n < 6 ? VISIBLE[r.nextInt(VISIBLE.length)] : ODD_ONLY[r.nextInt(ODD_ONLY.length)];
            case VISIBLE_UNICODE, KEY -> n < 5 ? PLAIN[r.nextInt(PLAIN.length)] : VISIBLE[r.nextInt(VISIBLE.length)];
            case ODD_VALID -> n < 3 ? PLAIN[r.nextInt(PLAIN.length)] : n < 6 ? VISIBLE[r.nextInt(VISIBLE.length)]
                    : ODD_VALID_ONLY[r.nextInt(ODD_VALID_ONLY.length)];
        };
    }

    /** Text of min..max UTF-16 units (a cut may leave half a surrogate pair: odd unicode on purpose). */
    private String text(int min, int max, Atoms kind) {
        int target = min + r.nextInt(max - min + 1);
        StringBuilder s = new StringBuilder();
        while (s.length() < target) {
            String a = atom(kind);
            if (kind == Atoms.KEY && s.length() == 0 && (a.equals("$") || a.equals("."))) continue;
            if (kind == Atoms.KEY && a.equals(".")) continue;
            s.append(a);
        }
        s.setLength(Math.min(s.length(), max));
        if (kind == Atoms.KEY || kind == Atoms.VISIBLE_UNICODE || kind == Atoms.ODD_VALID) {
            // never a lone surrogate left by the cut
            if (s.length() > 0 && Character.isHighSurrogate(s.charAt(s.length() - 1))) s.setLength(s.length() - 1);
        }
        return s.toString();
    }

    /** Odd text for a path segment: without what the container refuses in paths ('/', '\\', '%', checked separately). */
    private String pathText(int min, int max) {
        return text(min, max, Atoms.VISIBLE_UNICODE).replace("/", "").replace("\\", "").replace("%", "");
    }

    private String textAtLeast(int min, Atoms kind) {
        StringBuilder s = new StringBuilder(min + 8);
        while (s.length() < min) {
            String a = atom(kind);
            if (kind == Atoms.KEY && a.equals(".")) continue;
            s.append(a);
        }
        return s.toString();
    }

    private String nonBlank(int min, int max, Atoms kind) {
        String s = text(min, max, kind);
        if (s.isBlank()) s = s.isEmpty() ? "t" : "t" + s.substring(1);
        return s;
    }

    private String crockford(int length) {
        String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        StringBuilder s = new StringBuilder(length);
        s.append("01234567".charAt(r.nextInt(8)));
        while (s.length() < length) s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return s.toString();
    }

    private String hex(int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) s.append(Character.forDigit(r.nextInt(16), 16));
        return s.toString();
    }

    private String base64url(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return s.toString();
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[r.nextInt(values.length)];
    }

    static String jsonType(Object v) {
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Raw raw) return raw.json().startsWith("[") ? "an array" : "a number";
        if (v instanceof Number) return "a number";
        if (v instanceof List) return "an array";
        if (v instanceof Map) return "an object";
        if (v == Null.NULL) return "null";
        return "?";
    }

    /** Percent-encodes everything but the unreserved characters (as UTF-8; a lone surrogate becomes '?'). */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- JSON writing, with control over every escape

    private String json(Object value) {
        StringBuilder s = new StringBuilder();
        write(s, value);
        return s.toString();
    }

    private void write(StringBuilder s, Object v) {
        if (v == Null.NULL) {
            s.append("null");
        } else if (v instanceof Raw raw) {
            s.append(raw.json());
        } else if (v instanceof String str) {
            quote(s, str);
        } else if (v instanceof Double d) {
            s.append(Double.isFinite(d) ? d.toString() : "0");
        } else if (v instanceof Number || v instanceof Boolean) {
            s.append(v);
        } else if (v instanceof List<?> list) {
            s.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) s.append(',');
                write(s, list.get(i));
            }
            s.append(']');
        } else if (v instanceof Map<?, ?> map) {
            s.append('{');
            boolean first = true;
            for (var e : map.entrySet()) {
                if (!first) s.append(',');
                first = false;
                quote(s, (String) e.getKey());
                s.append(':');
                write(s, e.getValue());
            }
            s.append('}');
        } else {
            throw new IllegalArgumentException(String.valueOf(v));
        }
    }

    /** Escapes what JSON requires; escapes lone surrogates (UTF-8 cannot carry them); escapes some other characters at random. */
    private void quote(StringBuilder s, String str) {
        s.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            if (c == '"') {
                s.append("\\\"");
            } else if (c == '\\') {
                s.append("\\\\");
            } else if (c < 0x20) {
                s.append(r.nextBoolean() ? String.format("\\u%04x", (int) c) : switch (c) {
                    case '\n' -> "\\n";
                    case '\t' -> "\\t";
                    case '\r' -> "\\r";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    default -> String.format("\\u%04X", (int) c);
                });
            } else if (Character.isHighSurrogate(c) && i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1))) {
                if (r.nextInt(4) == 0) {
                    s.append(String.format("\\u%04x\\u%04X", (int) c, (int) str.charAt(i + 1)));
                } else {
                    s.append(c).append(str.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                s.append(String.format(r.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
            } else if (c == '/' && r.nextInt(4) == 0) {
                s.append("\\/");
            } else if (c > 0x7E && r.nextInt(8) == 0) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        s.append('"');
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

}
