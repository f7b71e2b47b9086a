package ai.soul.query.search;

import ai.soul.edge.auth.Caller;
import ai.soul.edge.web.ApiException;
import ai.soul.projections.search.ConversationSearch;
import ai.soul.projections.search.ConversationSearch.InvalidQueryException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static ai.soul.projections.search.ConversationSearch.MAX_DEPTH;

/** {@code POST /v1/conversations/search}: full-text search over the caller's conversations, from the search index. */
@RestController
class SearchController {

    private static final int MAX_QUERY = 500;
    private static final int MAX_TOPICS = 20;
    private static final Set<String> SENTIMENTS = Set.of("positive", "neutral", "negative");
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    record Filters(String dateFrom, String dateTo, List<String> topics, String sentiment) {
    }

    record SearchRequest(String query, Filters filters, String sort, Integer page, Integer perPage) {
    }

    record Item(String id, String title, String snippet, double score, Instant createdAt) {
    }

    record Meta(long total, long tookMs, int page, int perPage) {
    }

    record SearchResponse(List<Item> data, Meta meta) {
    }

    private final ConversationSearch search;

    SearchController(ConversationSearch search) {
        this.search = search;
    }

    @PostMapping(path = "/v1/conversations/search", consumes = "application/json")
    SearchResponse search(Caller caller, @RequestBody(required = false) SearchRequest body) {
        long started = System.nanoTime();
        ConversationSearch.Request request = validate(caller.accountId(), body == null ? new SearchRequest(null, null, null, null, null) : body);
        ConversationSearch.Result result;
        try {
            result = search.search(request);
        } catch (InvalidQueryException e) {
            throw ApiException.validation(Map.of("query", List.of(e.getMessage())));
        }
        List<Item> data = result.hits().stream()
                .map(hit -> new Item(hit.id(), hit.title(), hit.snippet(), hit.score(), hit.createdAt())).toList();
        return new SearchResponse(data, new Meta(result.total(), (System.nanoTime() - started) / 1_000_000,
                request.page(), request.perPage()));
    }

    /** Every field's problems at once, as 422 with {@code details.fields}. */
    private static ConversationSearch.Request validate(String accountId, SearchRequest body) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        String query = body.query();
        if (query == null || query.isBlank()) {
            error(errors, "query", "is required");
        } else if (query.length() > MAX_QUERY) {
            error(errors, "query", "must be at most " + MAX_QUERY + " characters");
        }
        ConversationSearch.Sort sort = ConversationSearch.Sort.RELEVANCE;
        if (body.sort() != null) {
            switch (body.sort()) {
                case "relevance" -> sort = ConversationSearch.Sort.RELEVANCE;
                case "created_at" -> sort = ConversationSearch.Sort.CREATED_AT;
                default -> error(errors, "sort", "must be one of created_at, relevance");
            }
        }
        int page = body.page() == null ? 1 : body.page();
        int perPage = body.perPage() == null ? 20 : body.perPage();
        if (page < 1) error(errors, "page", "must be 1 or more");
        if (perPage < 1 || perPage > 100) error(errors, "per_page", "must be between 1 and 100");
        if (page >= 1 && perPage >= 1 && perPage <= 100 && (long) page * perPage > MAX_DEPTH) {
            error(errors, "page", "page * per_page must be at most " + MAX_DEPTH);
        }
        Filters filters = body.filters() == null ? new Filters(null, null, null, null) : body.filters();
        Instant from = instant(filters.dateFrom(), false, "filters.date_from", errors);
        Instant to = instant(filters.dateTo(), true, "filters.date_to", errors);
        if (from != null && to != null && from.isAfter(to)) error(errors, "filters.date_to", "must not be before date_from");
        List<String> topics = filters.topics() == null ? List.of() : filters.topics();
        if (topics.size() > MAX_TOPICS) error(errors, "filters.topics", "must have at most " + MAX_TOPICS + " topics");
        if (topics.stream().anyMatch(topic -> topic == null || topic.isBlank() || topic.length() > 100)) {
            error(errors, "filters.topics", "must be non-empty strings of at most 100 characters");
        }
        String sentiment = filters.sentiment() == null ? null : filters.sentiment().toLowerCase(Locale.ROOT);
        if (sentiment != null && !SENTIMENTS.contains(sentiment)) {
            error(errors, "filters.sentiment", "must be one of negative, neutral, positive");
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return new ConversationSearch.Request(accountId, query, from, to, topics, sentiment, sort, page, perPage);
    }

    /**
     * An ISO date (a whole UTC day: its start for date_from, its end for date_to) or an ISO
     * date-time with an offset, within years 1 to 9999 (the index keeps milliseconds in a long,
     * which the far ends of what ISO allows overflow).
     */
    private static Instant instant(String value, boolean endOfDay, String field, Map<String, List<String>> errors) {
        if (value == null) {
            return null;
        }
        Instant instant;
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                instant = endOfDay ? day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1)
                        : day.atStartOfDay().toInstant(ZoneOffset.UTC);
            } else {
                instant = OffsetDateTime.parse(value).toInstant();
            }
        } catch (DateTimeParseException e) {
            error(errors, field, "must be an ISO date (2024-01-31) or date-time (2024-01-31T10:00:00Z)");
            return null;
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            error(errors, field, "must be between 0001-01-01 and 9999-12-31");
            return null;
        }
        return instant;
    }

    private static void error(Map<String, List<String>> errors, String field, String message) {
        errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
    }
}
