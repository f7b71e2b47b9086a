package ai.soul.projections.search;

import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryGenerated;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
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
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The search index: a Lucene index in a local directory, one document per conversation.
 * <p>
 * A document keeps every field stored, so a change reads the document back and writes it whole
 * (Lucene replaces documents, it does not patch them); no other copy of a conversation is kept,
 * which stays cheap with many conversations. {@code seq} is the sequence of the last event applied
 * to the conversation: a redelivered event is older and changes nothing. A deleted conversation
 * leaves a tombstone with no account, which no query can match, so a redelivery cannot bring it back.
 * <p>
 * The consumed offsets are the commit's user data, written in the same commit as the documents of
 * the batches they cover, so the index and its place in the log never disagree, whatever crashes when.
 */
public class LuceneConversationSearch implements ConversationSearch, AutoCloseable {

    static final String ID = "id";
    static final String ACCOUNT = "account_id";
    static final String TITLE = "title";
    /** the content first, then each message in order; one value each */
    static final String TEXT = "text";
    static final String CREATED_AT = "created_at";
    static final String TOPIC = "topic";
    static final String SENTIMENT = "sentiment";
    static final String SEQ = "seq";
    static final String DELETED = "deleted";

    private static final String OFFSET_PREFIX = "offset:";
    /** Matches in the title count twice what they count in the text. */
    private static final Map<String, Float> BOOSTS = Map.of(TITLE, 2.0f, TEXT, 1.0f);
    private static final int SNIPPET_LENGTH = 160;
    /** Deeper pages than this are refused: collecting them costs memory for every query. */
    public static final int MAX_DEPTH = 10_000;
    /** The messages of a conversation the index holds: its first 200,000 characters of them. */
    public static final int MAX_MESSAGE_CHARS = 200_000;
    /**
     * How often the batches are made durable: a commit syncs files, and during a replay batches come
     * faster than that pays. Searches see every batch at once (a near-real-time reader); a crash
     * loses the batches since the last commit together with their offsets, so they are read again.
     */
    private static final long COMMIT_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

    /** offsets in the postings: the highlighter then needs no second analysis of the text */
    private static final FieldType TEXT_TYPE = new FieldType(TextField.TYPE_STORED);

    static {
        TEXT_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        TEXT_TYPE.freeze();
    }

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    /** scores use the statistics of the account's own documents: see AccountSearcher */
    private final AccountSearcher.AccountDocs accountDocs = new AccountSearcher.AccountDocs();
    private long lastCommit = System.nanoTime() - COMMIT_INTERVAL_NANOS;

    public LuceneConversationSearch(Path path) {
        try {
            this.directory = FSDirectory.open(path);
            this.writer = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
            this.searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the search index in " + path, e);
        }
    }

    // ---- the log side ----

    @Override
    public synchronized Map<Integer, Long> offsets(String topic, Collection<Integer> partitions) {
        Map<Integer, Long> stored = new HashMap<>();
        Map<String, String> data = commitData();
        for (int partition : partitions) {
            String offset = data.get(offsetKey(topic, partition));
            if (offset != null) {
                stored.put(partition, Long.parseLong(offset));
            }
        }
        return stored;
    }

    private Map<String, String> commitData() {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
        if (live != null) {
            live.forEach(entry -> data.put(entry.getKey(), entry.getValue()));
        }
        return data;
    }

    private static String offsetKey(String topic, int partition) {
        return OFFSET_PREFIX + topic + ":" + partition;
    }

    /** A conversation as its document holds it, with the changes of the batch. */
    private static final class Conversation {
        final String id;
        String accountId;
        String title;
        String content;
        final List<String> messages = new ArrayList<>();
        long messageChars;
        long createdAt;
        List<String> topics = List.of();
        String sentiment;
        long seq;
        boolean deleted;
        boolean changed;

        Conversation(String id) {
            this.id = id;
        }

        /**
         * A message is indexed while the conversation's messages hold at most {@link #MAX_MESSAGE_CHARS};
         * past that the document no longer changes, so a very long conversation costs the index
         * nothing more per message (each change re-indexes the whole document).
         */
        void message(long eventSeq, String text) {
            if (deleted || eventSeq <= seq) {
                return;
            }
            seq = eventSeq;
            int length = text == null ? 0 : text.length();
            if (messageChars + length <= MAX_MESSAGE_CHARS) {
                messages.add(text);
                messageChars += length;
                changed = true;
            }
        }

        /** Applies event {@code seq} when it is new; tells whether it was. */
        boolean advance(long eventSeq) {
            if (deleted || eventSeq <= seq) {
                return false;
            }
            seq = eventSeq;
            changed = true;
            return true;
        }
    }

    @Override
    public synchronized void apply(List<PublishedEvent<?>> batch, Map<String, Map<Integer, Long>> nextOffsets) {
        try {
            Map<String, Conversation> touched = load(batch);
            for (PublishedEvent<?> event : batch) {
                long seq = event.sequence();
                if (event.data() instanceof ConversationCreated e) {
                    if (touched.get(e.conversationId()) != null) {
                        continue; // created already
                    }
                    Conversation c = new Conversation(e.conversationId());
                    c.accountId = e.accountId();
                    c.title = e.title();
                    c.content = e.content();
                    c.createdAt = event.time().toEpochMilli();
                    c.seq = seq;
                    c.changed = true;
                    touched.put(c.id, c);
                } else if (event.data() instanceof ConversationUpdated e) {
                    Conversation c = touched.get(e.conversationId());
                    if (c != null && c.advance(seq)) {
                        if (e.title() != null) c.title = e.title();
                        if (e.content() != null) c.content = e.content();
                    }
                } else if (event.data() instanceof MessagePosted e) {
                    Conversation c = touched.get(e.conversationId());
                    if (c != null) {
                        c.message(seq, e.content());
                    }
                } else if (event.data() instanceof AgentReplied e) {
                    Conversation c = touched.get(e.conversationId());
                    if (c != null) {
                        c.message(seq, e.content());
                    }
                } else if (event.data() instanceof SummaryGenerated e) {
                    Conversation c = touched.get(e.conversationId());
                    if (c != null && c.advance(seq)) {
                        c.topics = e.topics() == null ? List.of() : e.topics();
                        c.sentiment = e.sentiment();
                    }
                } else if (event.data() instanceof ConversationDeleted e) {
                    Conversation c = touched.get(e.conversationId());
                    if (c != null && c.advance(seq)) {
                        c.deleted = true;
                    }
                }
            }
            for (Conversation c : touched.values()) {
                if (c != null && c.changed) {
                    writer.updateDocument(new Term(ID, c.id), document(c));
                }
            }
            Map<String, String> data = commitData();
            nextOffsets.forEach((topic, partitions) -> partitions.forEach((partition, next) ->
                    data.merge(offsetKey(topic, partition), Long.toString(next),
                            (old, now) -> Long.toString(Math.max(Long.parseLong(old), Long.parseLong(now))))));
            writer.setLiveCommitData(data.entrySet());
            if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL_NANOS) {
                writer.commit();
                lastCommit = System.nanoTime();
            }
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the search index", e);
        }
    }

    /** The conversations the batch touches, as indexed now (a null value: not indexed). */
    private Map<String, Conversation> load(List<PublishedEvent<?>> batch) throws IOException {
        Map<String, Conversation> touched = new LinkedHashMap<>();
        for (PublishedEvent<?> event : batch) {
            if (event.data() instanceof ConversationEvent e) {
                touched.put(e.conversationId(), null);
            }
        }
        if (touched.isEmpty()) {
            return touched;
        }
        IndexSearcher searcher = searchers.acquire();
        try {
            StoredFields stored = searcher.storedFields();
            for (String id : touched.keySet()) {
                TopDocs found = searcher.search(new TermQuery(new Term(ID, id)), 1);
                if (found.scoreDocs.length > 0) {
                    touched.put(id, conversation(stored.document(found.scoreDocs[0].doc)));
                }
            }
        } finally {
            searchers.release(searcher);
        }
        return touched;
    }

    private static Document document(Conversation c) {
        Document doc = new Document();
        doc.add(new StringField(ID, c.id, Field.Store.YES));
        doc.add(new StoredField(SEQ, c.seq));
        if (c.deleted) {
            // a tombstone: no account, so no query finds it; nothing of what was said is kept
            doc.add(new StringField(DELETED, "true", Field.Store.YES));
            return doc;
        }
        doc.add(new StringField(ACCOUNT, c.accountId, Field.Store.YES));
        doc.add(new TextField(TITLE, c.title == null ? "" : c.title, Field.Store.YES));
        doc.add(new Field(TEXT, c.content == null ? "" : c.content, TEXT_TYPE));
        for (String message : c.messages) {
            doc.add(new Field(TEXT, message == null ? "" : message, TEXT_TYPE));
        }
        doc.add(new LongPoint(CREATED_AT, c.createdAt));
        doc.add(new NumericDocValuesField(CREATED_AT, c.createdAt));
        doc.add(new StoredField(CREATED_AT, c.createdAt));
        for (String topic : c.topics) {
            doc.add(new StringField(TOPIC, topic.toLowerCase(Locale.ROOT), Field.Store.YES));
        }
        if (c.sentiment != null) {
            doc.add(new StringField(SENTIMENT, c.sentiment.toLowerCase(Locale.ROOT), Field.Store.YES));
        }
        return doc;
    }

    private static Conversation conversation(Document doc) {
        Conversation c = new Conversation(doc.get(ID));
        c.seq = doc.getField(SEQ).numericValue().longValue();
        c.deleted = doc.get(DELETED) != null;
        if (c.deleted) {
            return c;
        }
        c.accountId = doc.get(ACCOUNT);
        c.title = doc.get(TITLE);
        String[] text = doc.getValues(TEXT);
        c.content = text.length > 0 ? text[0] : "";
        c.messages.addAll(Arrays.asList(text).subList(Math.min(1, text.length), text.length));
        c.messages.forEach(message -> c.messageChars += message.length());
        IndexableField createdAt = doc.getField(CREATED_AT);
        c.createdAt = createdAt == null ? 0 : createdAt.numericValue().longValue();
        c.topics = List.of(doc.getValues(TOPIC));
        c.sentiment = doc.get(SENTIMENT);
        return c;
    }

    @Override
    public synchronized void reset() {
        try {
            // the documents and the offsets go in one commit: a crash leaves either the old index or an empty one
            writer.deleteAll();
            writer.setLiveCommitData(Map.<String, String>of().entrySet());
            writer.commit();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reset the search index", e);
        }
    }

    // ---- the query side ----

    @Override
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

    @Override
    public List<String> matchingIds(String accountId, String text, int limit) {
        Query query = new BooleanQuery.Builder()
                .add(parse(text), Occur.MUST)
                .add(new TermQuery(new Term(ACCOUNT, accountId)), Occur.FILTER)
                .build();
        try {
            IndexSearcher acquired = searchers.acquire();
            try {
                IndexSearcher searcher = new AccountSearcher(acquired.getIndexReader(), accountId, accountDocs);
                StoredFields stored = searcher.storedFields();
                List<String> ids = new ArrayList<>();
                for (ScoreDoc hit : searcher.search(query, limit).scoreDocs) {
                    ids.add(stored.document(hit.doc, java.util.Set.of(ID)).get(ID));
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
        return QuerySyntax.parse(text, new String[]{TITLE, TEXT}, analyzer, BOOSTS);
    }

    /**
     * Snippets as HTML: the text escaped, each hit in {@code <mark>}, a cut marked with an ellipsis.
     * It reads each hit's whole document once, for the text it highlights and for the hit itself
     * ({@link #read}): reading a document decompresses its block, the larger part of a search's time.
     */
    private final class Highlighter extends UnifiedHighlighter {

        final Map<Integer, Document> read = new HashMap<>();

        Highlighter(IndexSearcher searcher) {
            super(UnifiedHighlighter.builder(searcher, analyzer)
                    .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", "… ", true))
                    .withBreakIterator(() -> java.text.BreakIterator.getSentenceInstance(Locale.ROOT))
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

    @Override
    public synchronized void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close the search index", e);
        }
    }
}
