package ai.soul.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import io.netty.channel.Channel;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * mongo-java-server's H2 backend with indexes that compare their keys as values. The stock backend
 * keeps each index in an MVMap whose keys ({@link KeyValue}) are not {@code Comparable}, so H2
 * compares them by Java-serialising both sides on every step of every B-tree search: that was a
 * third of the system's CPU under load, growing with the size of the collection. Here the keys are
 * ordered by MongoDB's own value order, and serialised only when a page is written or read.
 * <p>
 * Documents are stored as BSON rather than Java-serialised. The format on disk differs from the
 * stock backend's, so a store written by one cannot be read by the other ({@link EmbeddedMongoServer}
 * versions its store for that reason).
 */
final class IndexedH2Backend extends H2Backend {

    private static final long COMMIT_EVERY_MS = 50;
    private static final Set<String> CHANGES = Set.of("insert", "update", "delete", "findAndModify", "findandmodify",
            "create", "drop", "dropDatabase", "createIndexes", "dropIndexes", "renameCollection");

    /**
     * Commands that change data run under the read lock, the store is written under the write lock
     * (every 50 ms): what reaches the file is the state between two such commands, never half of
     * one, and never a later command without an earlier one. H2's own background writer snapshots one map after another while
     * writers go on, so after a kill -9 the file could hold a projector's stored offset and
     * conversation update but not the message it inserted just before: lost for good, since the
     * offset says it was applied (the crash test found it).
     */
    private final ReentrantReadWriteLock commandBoundary = new ReentrantReadWriteLock();
    private final ScheduledExecutorService committer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "readmodels-commit");
        thread.setDaemon(true);
        return thread;
    });

    /** @param store opened with H2's own commits off ({@link #open}) */
    private IndexedH2Backend(MVStore store) {
        super(store);
        committer.scheduleWithFixedDelay(this::commitBetweenCommands, COMMIT_EVERY_MS, COMMIT_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    static IndexedH2Backend open(String file) {
        // no background writer, no commit from a writer's thread when its changes pile up: only ours
        return new IndexedH2Backend(new MVStore.Builder().fileName(file).autoCommitDisabled().autoCommitBufferSize(0).open());
    }

    private void commitBetweenCommands() {
        commandBoundary.writeLock().lock();
        try {
            if (getMvStore().hasUnsavedChanges()) {
                getMvStore().commit();
            }
        } finally {
            commandBoundary.writeLock().unlock();
        }
    }

    /** Only commands that change data hold the store's writes back; reads go on during a commit. */
    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        if (!CHANGES.contains(command)) {
            return super.handleCommand(channel, database, command, query);
        }
        commandBoundary.readLock().lock();
        try {
            return super.handleCommand(channel, database, command, query);
        } finally {
            commandBoundary.readLock().unlock();
        }
    }

    /** The last commands' changes are written as the store closes. */
    @Override
    public void close() {
        committer.shutdown();
        try {
            committer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commandBoundary.writeLock().lock();
        try {
            super.close();
        } finally {
            commandBoundary.writeLock().unlock();
        }
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName);
    }

    /** Inner, not static: its constructor opens the existing indexes before its own fields would be set. */
    private final class Database extends H2Database {

        Database(String name) {
            super(name, getMvStore(), getCursorRegistry());
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            getMvStore().openMap("databases." + getFullCollectionNamespace(collectionName),
                    new MVMap.Builder<Object, Document>().valueType(DocumentType.INSTANCE));
            return super.openOrCreateCollection(collectionName, options);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            // opened here first with the right key type; the stock code then gets this very map back from the store
            getMvStore().openMap(getFullCollectionNamespace(collectionName) + "._index_" + indexName,
                    new MVMap.Builder<KeyValue, Object>().keyType(KeyValueType.INSTANCE));
            return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
        }
    }

    /**
     * Documents as BSON, MongoDB's own encoding, instead of Java serialisation (which was a fifth of
     * the CPU of a rebuild). A value BSON cannot hold is Java-serialised after a marker byte.
     */
    static final class DocumentType extends BasicDataType<Document> {

        static final DocumentType INSTANCE = new DocumentType();
        private static final byte BSON = 'B';
        private static final byte SERIALIZED = 'J';

        @Override
        public int getMemory(Document document) {
            return 64 + 48 * document.size();
        }

        @Override
        public void write(WriteBuffer buffer, Document document) {
            ByteBuf bson = Unpooled.buffer(256);
            try {
                BsonEncoder.encodeDocument(document, bson);
                buffer.put(BSON).putVarInt(bson.readableBytes()).put(bson.nioBuffer());
            } catch (IllegalArgumentException e) {
                byte[] bytes = ObjectDataType.serialize(document);
                buffer.put(SERIALIZED).putVarInt(bytes.length).put(bytes);
            } finally {
                bson.release();
            }
        }

        @Override
        public Document read(ByteBuffer buffer) {
            byte kind = buffer.get();
            byte[] bytes = new byte[DataUtils.readVarInt(buffer)];
            buffer.get(bytes);
            return kind == BSON ? BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes)) : (Document) ObjectDataType.deserialize(bytes);
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    }

    /** Index keys in MongoDB's value order (the order of BSON types, then of values). */
    static final class KeyValueType extends BasicDataType<KeyValue> {

        static final KeyValueType INSTANCE = new KeyValueType();

        @Override
        public int compare(KeyValue a, KeyValue b) {
            int n = Math.min(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                int c = compareValues(a.get(i), b.get(i));
                if (c != 0) return c;
            }
            return Integer.compare(a.size(), b.size());
        }

        /**
         * Strings (ids) and doubles (index keys hold numbers as doubles) directly, as MongoDB orders
         * them; everything else as MongoDB does.
         */
        private static int compareValues(Object a, Object b) {
            if (a instanceof String x && b instanceof String y) return x.compareTo(y);
            if (a instanceof Double x && b instanceof Double y && !x.isNaN() && !y.isNaN()) return x < y ? -1 : x > y ? 1 : 0;
            return ValueComparator.asc().compare(a, b);
        }

        @Override
        public int getMemory(KeyValue key) {
            return 48 + 32 * key.size();
        }

        @Override
        public void write(WriteBuffer buffer, KeyValue key) {
            byte[] bytes = ObjectDataType.serialize(key);
            buffer.putVarInt(bytes.length).put(bytes);
        }

        @Override
        public KeyValue read(ByteBuffer buffer) {
            byte[] bytes = new byte[DataUtils.readVarInt(buffer)];
            buffer.get(bytes);
            return (KeyValue) ObjectDataType.deserialize(bytes);
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    }
}
