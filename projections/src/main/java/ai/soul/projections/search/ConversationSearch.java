package ai.soul.projections.search;

import ai.soul.projections.LogProjection;

import java.time.Instant;
import java.util.List;

/**
 * Full-text search over conversations, fed from the log. One implementation is a local Lucene index
 * ({@link LuceneConversationSearch}); a cluster could put OpenSearch behind the same interface.
 * Every query is confined to one account.
 */
public interface ConversationSearch extends LogProjection {

    /**
     * One page of the account's conversations matching {@link Request#text}.
     *
     * @throws InvalidQueryException when the query text cannot be parsed
     */
    Result search(Request request);

    /**
     * The ids of the account's best {@code limit} matches of {@code text}, best first, for filtering
     * a list by them.
     *
     * @throws InvalidQueryException when the query text cannot be parsed
     */
    List<String> matchingIds(String accountId, String text, int limit);

    /** @param from inclusive, or null; @param to inclusive, or null; @param topics any of them, or empty */
    record Request(String accountId, String text, Instant from, Instant to, List<String> topics, String sentiment,
                 Sort sort, int page, int perPage) {
    }

    enum Sort { RELEVANCE, CREATED_AT }

    /** {@code snippet} is HTML: the text around the hits, escaped, with each hit in {@code <mark>}. */
    record Hit(String id, String title, String snippet, float score, Instant createdAt) {
    }

    record Result(List<Hit> hits, long total) {
    }

    /** The query text is not valid syntax; the message says why. */
    class InvalidQueryException extends IllegalArgumentException {
        public InvalidQueryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
