package ai.soul.projections;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import org.bson.Document;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real MongoDB wire-protocol server (mongo-java-server, in memory) on 127.0.0.1 and a random
 * port, and a real sync driver talking to it. Every {@link #newDatabase()} is a fresh, empty
 * database, so that tests and the builds within one test never see each other's documents.
 * <p>
 * The server notes every query it answers by scanning a whole collection (the server uses an index
 * only when the query's keys are exactly an index's keys: _id, or a unique index's), so a test can
 * show that a hot path never scans: {@link #scans}.
 */
public final class InMemoryMongo implements AutoCloseable {

    private final AtomicInteger databases = new AtomicInteger();
    private final List<String> scans = Collections.synchronizedList(new ArrayList<>());
    private final MongoServer server;
    private final MongoClient client;

    public InMemoryMongo() {
        server = new MongoServer(new ScanRecordingBackend(scans));
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + address.getPort()))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .build());
    }

    public MongoDatabase newDatabase() {
        return client.getDatabase("read_models_" + databases.incrementAndGet());
    }

    /** The scans of collections of this database so far, as "collection query", oldest first. */
    public List<String> scans(MongoDatabase db) {
        String prefix = db.getName() + ".";
        synchronized (scans) {
            return scans.stream().filter(scan -> scan.startsWith(prefix)).map(scan -> scan.substring(prefix.length())).toList();
        }
    }

    /** Forgets the scans noted so far. */
    public void clearScans() {
        scans.clear();
    }

    /** Every document of the collections exactly as stored, by _id; what "nothing changed" is checked on. */
    public static Map<String, List<Document>> snapshot(MongoDatabase db, String... collections) {
        Map<String, List<Document>> all = new LinkedHashMap<>();
        for (String collection : collections) {
            all.put(collection, db.getCollection(collection).find().sort(Sorts.ascending("_id")).into(new ArrayList<>()));
        }
        return all;
    }

    /** The indexes of the collections, without the server's bookkeeping fields. */
    public static Map<String, List<Document>> indexes(MongoDatabase db, String... collections) {
        Map<String, List<Document>> all = new LinkedHashMap<>();
        for (String collection : collections) {
            List<Document> indexes = new ArrayList<>();
            for (Document index : db.getCollection(collection).listIndexes()) {
                Document kept = new Document("name", index.get("name")).append("key", index.get("key"));
                if (index.containsKey("unique")) {
                    kept.append("unique", index.get("unique"));
                }
                indexes.add(kept);
            }
            indexes.sort((a, b) -> a.getString("name").compareTo(b.getString("name")));
            all.put(collection, indexes);
        }
        return all;
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }

    /** The in-memory backend, noting each query answered by a scan of the whole collection. */
    private static final class ScanRecordingBackend extends MemoryBackend {

        private final List<String> scans;

        ScanRecordingBackend(List<String> scans) {
            this.scans = scans;
        }

        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new MemoryDatabase(databaseName, getCursorRegistry()) {
                @Override
                protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                    return new MemoryCollection(this, collectionName, options, cursorRegistry) {
                        @Override
                        protected QueryResult matchDocuments(de.bwaldvogel.mongo.bson.Document query, de.bwaldvogel.mongo.bson.Document orderBy,
                                                             int numberToSkip, int limit, int batchSize,
                                                             de.bwaldvogel.mongo.bson.Document fieldSelector) {
                            scans.add(getFullName() + " " + query);
                            return super.matchDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
                        }
                    };
                }
            };
        }
    }
}
