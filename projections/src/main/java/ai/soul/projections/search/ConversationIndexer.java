package ai.soul.projections.search;

import ai.soul.projections.OffsetStore;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryGenerated;
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
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static ai.soul.projections.search.SearchIndex.ACCOUNT;
import static ai.soul.projections.search.SearchIndex.CREATED_AT;
import static ai.soul.projections.search.SearchIndex.DELETED;
import static ai.soul.projections.search.SearchIndex.ID;
import static ai.soul.projections.search.SearchIndex.SENTIMENT;
import static ai.soul.projections.search.SearchIndex.SEQ;
import static ai.soul.projections.search.SearchIndex.TEXT;
import static ai.soul.projections.search.SearchIndex.TITLE;
import static ai.soul.projections.search.SearchIndex.TOPIC;

/**
 * The search projection: writes the conversations into the {@link SearchIndex}, in the background
 * (no request waits for it), with its offsets in the index's commit.
 * <p>
 * A document keeps every field stored, so a change reads the document back and writes it whole
 * (Lucene replaces documents, it does not patch them); no other copy of a conversation is kept,
 * which stays cheap with many conversations. {@code seq} is the sequence of the last event applied
 * to the conversation: a redelivered event is older and changes nothing. A deleted conversation
 * leaves a tombstone with no account, which no query can match, so a redelivery cannot bring it back.
 */
@Component
public class ConversationIndexer implements Projector {

    public static final String SEARCH = "search";
    /** The messages of a conversation the index holds: its first 200,000 characters of them. */
    public static final int MAX_MESSAGE_CHARS = 200_000;

    /** offsets in the postings: the highlighter then needs no second analysis of the text */
    private static final FieldType TEXT_TYPE = new FieldType(TextField.TYPE_STORED);

    static {
        TEXT_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        TEXT_TYPE.freeze();
    }

    private final SearchIndex index;

    public ConversationIndexer(SearchIndex index) {
        this.index = index;
    }

    @Override
    public String projection() {
        return SEARCH;
    }

    @Override
    public boolean background() {
        return true;
    }

    @Override
    public OffsetStore localOffsets() {
        return index.offsets();
    }

    @Override
    public void prepare() {
        index.writer();
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

    /** Writes the documents the batch changes; they are durable with the next commit of the offsets ({@link SearchIndex#offsets}). */
    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        synchronized (index) {
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
                IndexWriter writer = index.writer();
                for (Conversation c : touched.values()) {
                    if (c != null && c.changed) {
                        writer.updateDocument(new Term(ID, c.id), document(c));
                    }
                }
                index.searchers().maybeRefreshBlocking();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the search index", e);
            }
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
        SearcherManager searchers = index.searchers();
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

    /** The documents and the offsets go in one commit: a crash leaves either the old index or an empty one. */
    @Override
    public void reset() {
        synchronized (index) {
            try {
                index.writer().deleteAll();
                index.writer().setLiveCommitData(Map.<String, String>of().entrySet());
                index.commit();
                index.searchers().maybeRefreshBlocking();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot reset the search index", e);
            }
        }
    }
}
