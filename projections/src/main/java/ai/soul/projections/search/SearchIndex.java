package ai.soul.projections.search;

import ai.soul.projections.OffsetStore;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The search index: a Lucene index in a local directory ({@code soul.search.directory}), one document
 * per conversation, written by {@link ConversationIndexer} and read by {@link ConversationSearch}
 * through a near-real-time reader, so a search sees every batch at once.
 * <p>
 * The consumed offsets are the commit's user data ({@link #offsets()}), written in the same commit as
 * the documents of the batches they cover, so the index and its place in the log never disagree,
 * whatever crashes when. The index is opened at its first use: the app that never indexes nor
 * searches (command-api on its own) never opens it.
 */
@Component
public class SearchIndex implements AutoCloseable {

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
    /**
     * How often the batches are made durable: a commit syncs files, and during a replay batches come
     * faster than that pays. A crash loses the batches since the last commit together with their
     * offsets, so they are read again.
     */
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    final Analyzer analyzer = new EnglishAnalyzer();
    private final Path path;
    private final Object opening = new Object();
    private volatile Opened opened;
    private boolean closed;
    private long lastCommit = System.nanoTime() - COMMIT_INTERVAL_NANOS;
    private final OffsetStore offsets = new CommitOffsets();

    private record Opened(Directory directory, IndexWriter writer, SearcherManager searchers) {
    }

    public SearchIndex(@Value("${soul.search.directory}") Path path) {
        this.path = path;
    }

    IndexWriter writer() {
        return opened().writer();
    }

    /** Never waits for a writer: a search reads the last refreshed state. */
    SearcherManager searchers() {
        return opened().searchers();
    }

    private Opened opened() {
        Opened open = opened;
        if (open != null) {
            return open;
        }
        synchronized (opening) {
            if (closed) {
                throw new AlreadyClosedException("The search index is closed");
            }
            if (opened == null) {
                try {
                    Files.createDirectories(path);
                    Directory directory = FSDirectory.open(path);
                    IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
                    opened = new Opened(directory, writer, new SearcherManager(writer, null));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot open the search index in " + path, e);
                }
            }
            return opened;
        }
    }

    /** The offsets in the commit data, beside the documents: the search projection's offset store. */
    public OffsetStore offsets() {
        return offsets;
    }

    private final class CommitOffsets implements OffsetStore {

        @Override
        public Map<Integer, Long> load(String topic, Collection<Integer> partitions) {
            synchronized (SearchIndex.this) {
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
        }

        /** With the documents written since the last commit; committed at most every {@link #COMMIT_INTERVAL_NANOS}. */
        @Override
        public void store(String topic, Map<Integer, Long> nextOffsets) {
            synchronized (SearchIndex.this) {
                Map<String, String> data = commitData();
                nextOffsets.forEach((partition, next) -> data.merge(offsetKey(topic, partition), Long.toString(next),
                        (old, now) -> Long.toString(Math.max(Long.parseLong(old), Long.parseLong(now)))));
                writer().setLiveCommitData(data.entrySet());
                if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL_NANOS) {
                    commit();
                }
            }
        }

        @Override
        public void clear() {
            synchronized (SearchIndex.this) {
                writer().setLiveCommitData(Map.<String, String>of().entrySet());
                commit();
            }
        }
    }

    private Map<String, String> commitData() {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer().getLiveCommitData();
        if (live != null) {
            live.forEach(entry -> data.put(entry.getKey(), entry.getValue()));
        }
        return data;
    }

    private static String offsetKey(String topic, int partition) {
        return OFFSET_PREFIX + topic + ":" + partition;
    }

    synchronized void commit() {
        try {
            writer().commit();
            lastCommit = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot commit the search index", e);
        }
    }

    @Override
    public synchronized void close() {
        synchronized (opening) {
            closed = true;
            Opened open = opened;
            if (open == null) {
                return;
            }
            opened = null;
            try {
                open.searchers().close();
                open.writer().close();
                open.directory().close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot close the search index", e);
            }
        }
    }
}
