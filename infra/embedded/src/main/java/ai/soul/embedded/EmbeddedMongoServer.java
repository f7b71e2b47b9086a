package ai.soul.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB wire-protocol server (mongo-java-server) whose data lives in one H2 MVStore file under
 * the data directory, so the read models survive a restart. Listens on 127.0.0.1 only.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoServer.class);

    private static final String HOST = "127.0.0.1";
    private static final String PORTS_FILE = "mongo-ports.properties";
    /** The store's name carries its format: v3 orders index keys by value and keeps BSON ({@link IndexedH2Backend}). */
    private static final String STORE_FILE = "readmodels-v3.mv.db";
    private static final List<String> OLD_STORE_FILES = List.of("readmodels.mv.db", "readmodels-v2.mv.db");

    private final MongoServer server;
    private final String connectionString;
    private boolean closed;

    private EmbeddedMongoServer(MongoServer server, String connectionString) {
        this.server = server;
        this.connectionString = connectionString;
    }

    /** Starts a server on {@code dataDir}, opening (or creating) its store file. */
    public static EmbeddedMongoServer start(Path dataDir) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        Path store = dataDir.toAbsolutePath().resolve(STORE_FILE);
        OLD_STORE_FILES.forEach(old -> dropOldFormat(dataDir.toAbsolutePath().resolve(old)));
        H2Backend backend;
        try {
            // H2 locks the store file: this is also what keeps a second server off the directory
            backend = IndexedH2Backend.open(store.toString());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open " + store + " (in use by another server?)", e);
        }
        MongoServer server = new MongoServer(backend);
        int port;
        try {
            port = PortFile.resolve(dataDir.resolve(PORTS_FILE), "mongo").get("mongo");
            server.bind(HOST, port);
        } catch (RuntimeException e) {
            server.shutdownNow(); // also closes the store, releasing its file lock
            throw new IllegalStateException("MongoDB server on " + store + " did not start", e);
        }
        String connection = "mongodb://" + HOST + ":" + port;
        log.info("MongoDB server on {} ready at {} in {} ms", store, connection, (System.nanoTime() - started) / 1_000_000);
        return new EmbeddedMongoServer(server, connection);
    }

    /**
     * A store in the old format cannot be opened by this backend. Everything in it is a read model,
     * rebuilt from the Kafka log (the consumed offsets were stored in it too, so the rebuild starts
     * from the beginning).
     */
    private static void dropOldFormat(Path old) {
        try {
            if (Files.deleteIfExists(old)) {
                log.warn("Removed {} (an older store format); the read models are rebuilt from the Kafka log", old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + old, e);
        }
    }

    /** {@code mongodb://127.0.0.1:PORT} */
    public String connectionString() {
        return connectionString;
    }

    /** Stops listening, then closes the H2 store, which writes out what is not on disk yet. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
    }

    /** Runs a server as its own process: {@code EmbeddedMongoServer <dataDir>}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedMongoServer <dataDir>");
            System.exit(2);
        }
        EmbeddedMongoServer server = start(Path.of(args[0]));
        Standalone.runUntilTerminated(server, server.connectionString());
    }
}
