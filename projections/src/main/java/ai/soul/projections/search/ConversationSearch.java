package ai.soul.projections.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.IndexSearcher.TooManyClauses;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.util.BytesRef;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static ai.soul.projections.search.SearchIndex.ACCOUNT;
import static ai.soul.projections.search.SearchIndex.CREATED_AT;
import static ai.soul.projections.search.SearchIndex.ID;
import static ai.soul.projections.search.SearchIndex.SENTIMENT;
import static ai.soul.projections.search.SearchIndex.TEXT;
import static ai.soul.projections.search.SearchIndex.TITLE;
import static ai.soul.projections.search.SearchIndex.TOPIC;

/**
 * Full-text search over conversations: the queries of the {@link SearchIndex}, which
 * {@link ConversationIndexer} feeds from the log. Every query is confined to one account, and scored
 * with that account's statistics alone ({@link AccountSearcher}).
 */
@Component
public class ConversationSearch {

    /** Deeper pages than this are refused: collecting them costs memory for every query. */
    public static final int MAX_DEPTH = 10_000;
    /** Matches in the title count twice what they count in the text. */
    private static final Map<String, Float> BOOSTS = Map.of(TITLE, 2.0f, TEXT, 1.0f);

    /** @param from inclusive, or null; @param to inclusive, or null; @param topics any of them, or empty */
    public record Request(String accountId, String text, Instant from, Instant to, List<String> topics, String sentiment,
                          Sort sort, int page, int perPage) {
    }

    public enum Sort { RELEVANCE, CREATED_AT }

    /** {@code snippet} is HTML: the text around the hits, escaped, with each hit in {@code <mark>}. */
    public record Hit(String id, String title, String snippet, float score, Instant createdAt) {
    }

    public record Result(List<Hit> hits, long total) {
    }

    /** The query text is not valid syntax; the message says why. */
    public static class InvalidQueryException extends IllegalArgumentException {
        public InvalidQueryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SearchIndex index;
    /** scores use the statistics of the account's own documents: see AccountSearcher */
    private final AccountSearcher.AccountDocs accountDocs = new AccountSearcher.AccountDocs();

    public ConversationSearch(SearchIndex index) {
        this.index = index;
    }

    /**
     * One page of the account's conversations matching {@link Request#text}.
     *
     * @throws InvalidQueryException when the query text cannot be parsed
     */
    public Result search(Request q) {
        Query parsed = parse(q.text());
        BooleanQuery.Builder query = new BooleanQuery.Builder()
                .add(parsed, Occur.MUST)
                // account isolation: part of every query the index answers
                .add(new TermQuery(new Term(ACCOUNT, q.accountId())), Occur.FILTER);
        if (q.from() != null || q.to() != null) {
            long from = q.from() == null ? Long.MIN_VALUE : q.from().toEpochMilli();
            long to = q.to() == null ? Long.MAX_VALUE : q.to().toEpochMilli();
            query.add(LongPoint.newRangeQuery(CREATED_AT, from, to), Occur.FILTER);
        }
        if (q.topics() != null && !q.topics().isEmpty()) {
            query.add(new TermInSetQuery(TOPIC, q.topics().stream()
                    .map(topic -> new BytesRef(topic.toLowerCase(Locale.ROOT))).toList()), Occur.FILTER);
        }
        if (q.sentiment() != null) {
            query.add(new TermQuery(new Term(SENTIMENT, q.sentiment().toLowerCase(Locale.ROOT))), Occur.FILTER);
        }
        Query full = query.build();
        int depth = (int) Math.min((long) q.page() * q.perPage(), MAX_DEPTH);
        SearcherManager searchers = index.searchers();
        try {
            IndexSearcher acquired = searchers.acquire();
            try {
                IndexSearcher searcher = new AccountSearcher(acquired.getIndexReader(), q.accountId(), accountDocs);
                TopDocs top = q.sort() == Sort.CREATED_AT
                        ? searcher.search(full, depth, new org.apache.lucene.search.Sort(
                                new SortField(CREATED_AT, SortField.Type.LONG, true)), true)
                        : searcher.search(full, depth);
                long total = top.totalHits.relation == TotalHits.Relation.EQUAL_TO ? top.totalHits.value : searcher.count(full);
                int from = (int) Math.min((q.page() - 1L) * q.perPage(), top.scoreDocs.length);
                ScoreDoc[] page = Arrays.copyOfRange(top.scoreDocs, from, top.scoreDocs.length);
                TopDocs pageDocs = new TopDocs(top.totalHits, page);
                Highlighter highlighter = new Highlighter(searcher);
                String[] snippets = highlighter.highlight(TEXT, parsed, pageDocs, 1);
                StoredFields stored = searcher.storedFields();
                List<Hit> hits = new ArrayList<>(page.length);
                for (int i = 0; i < page.length; i++) {
                    Document doc = highlighter.read.get(page[i].doc);
                    if (doc == null) {
                        doc = stored.document(page[i].doc);
                    }
                    hits.add(new Hit(doc.get(ID), doc.get(TITLE), snippets[i] == null ? "" : snippets[i], page[i].score,
                            Instant.ofEpochMilli(doc.getField(CREATED_AT).numericValue().longValue())));
                }
                return new Result(hits, total);
            } finally {
                searchers.release(acquired);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the search index", e);
        } catch (TooManyClauses e) {
            throw QuerySyntax.tooComplex(e);
        }
    }

    /**
     * The ids of the account's best {@code limit} matches of {@code text}, best first, for filtering
     * a list by them.
     *
     * @throws InvalidQueryException when the query text cannot be parsed
     */
    public List<String> matchingIds(String accountId, String text, int limit) {
        Query query = new BooleanQuery.Builder()
                .add(parse(text), Occur.MUST)
                .add(new TermQuery(new Term(ACCOUNT, accountId)), Occur.FILTER)
                .build();
        SearcherManager searchers = index.searchers();
        try {
            IndexSearcher acquired = searchers.acquire();
            try {
                IndexSearcher searcher = new AccountSearcher(acquired.getIndexReader(), accountId, accountDocs);
                StoredFields stored = searcher.storedFields();
                List<String> ids = new ArrayList<>();
                for (ScoreDoc hit : searcher.search(query, limit).scoreDocs) {
                    ids.add(stored.document(hit.doc, Set.of(ID)).get(ID));
                }
                return ids;
            } finally {
                searchers.release(acquired);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the search index", e);
        } catch (TooManyClauses e) {
            throw QuerySyntax.tooComplex(e);
        }
    }

    /** The syntax of {@link QuerySyntax} over title and text. */
    private Query parse(String text) {
        return QuerySyntax.parse(text, new String[]{TITLE, TEXT}, index.analyzer, BOOSTS);
    }

    /**
     * Snippets as HTML: the text escaped, each hit in {@code <mark>}, a cut marked with an ellipsis.
     * It reads each hit's whole document once, for the text it highlights and for the hit itself
     * ({@link #read}): reading a document decompresses its block, the larger part of a search's time.
     */
    private final class Highlighter extends UnifiedHighlighter {

        final Map<Integer, Document> read = new HashMap<>();

        Highlighter(IndexSearcher searcher) {
            super(UnifiedHighlighter.builder(searcher, index.analyzer)
                    .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", "… ", true))
                    .withBreakIterator(() -> BreakIterator.getSentenceInstance(Locale.ROOT))
                    .withMaxLength(100_000));
        }

        /** As the default, which reads the field alone, but keeping the whole document. */
        @Override
        protected List<CharSequence[]> loadFieldValues(String[] fields, DocIdSetIterator docs, int cacheCharsThreshold)
                throws IOException {
            StoredFields stored = searcher.storedFields();
            List<CharSequence[]> values = new ArrayList<>();
            int chars = 0;
            do {
                int doc = docs.nextDoc();
                if (doc == DocIdSetIterator.NO_MORE_DOCS) {
                    break;
                }
                Document document = stored.document(doc);
                read.put(doc, document);
                CharSequence[] byField = new CharSequence[fields.length];
                for (int f = 0; f < fields.length; f++) {
                    byField[f] = joined(document.getValues(fields[f]));
                    chars += byField[f] == null ? 0 : byField[f].length();
                }
                values.add(byField);
            } while (chars <= cacheCharsThreshold && cacheCharsThreshold != 0);
            return values;
        }

        /** A field's values as the default visitor joins them (the offsets in the postings count the separators). */
        private CharSequence joined(String[] values) {
            if (values.length == 0) {
                return null;
            }
            int max = getMaxLength();
            StringBuilder text = new StringBuilder(values[0].substring(0, Math.min(max, values[0].length())));
            for (int i = 1; i < values.length && text.length() < max; i++) {
                text.append(MULTIVAL_SEP_CHAR);
                text.append(values[i], 0, Math.min(max - text.length(), values[i].length()));
            }
            return text;
        }
    }
}
