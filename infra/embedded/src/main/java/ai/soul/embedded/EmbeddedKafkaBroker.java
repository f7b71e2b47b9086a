package ai.soul.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, broker and controller in one node) running in this JVM and keeping
 * everything - records, topics, consumer-group offsets, cluster metadata - under one directory, so
 * a new broker on the same directory, in this JVM or another, carries on where the last one stopped.
 * Listens on 127.0.0.1 only.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String PORTS_FILE = "kafka-ports.properties";
    private static final String LOG_DIR = "kafka";
    private static final String LOCK_FILE = "kafka.lock";

    private final KafkaRaftServer server;
    private final FileChannel lock;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, FileChannel lock, String bootstrapServers) {
        this.server = server;
        this.lock = lock;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker on {@code dataDir}, formatting it first if it holds no Kafka storage yet. */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        long started = System.nanoTime();
        Path logDir = dataDir.toAbsolutePath().resolve(LOG_DIR);
        FileChannel lock = lock(dataDir);
        try {
            Map<String, Integer> ports = PortFile.resolve(dataDir.resolve(PORTS_FILE), "broker", "controller");
            KafkaConfig config = new KafkaConfig(settings(logDir, ports.get("broker"), ports.get("controller")), false);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                // returns once the broker is unfenced and accepts requests
                server.startup();
            } catch (Exception e) { // Scala code may throw checked exceptions undeclared
                server.shutdown();
                server.awaitShutdown();
                throw new IllegalStateException("Kafka broker on " + logDir + " did not start", e);
            }
            String bootstrap = HOST + ":" + ports.get("broker");
            log.info("Kafka broker on {} ready at {} in {} ms", logDir, bootstrap, (System.nanoTime() - started) / 1_000_000);
            return new EmbeddedKafkaBroker(server, lock, bootstrap);
        } catch (Exception e) {
            closeQuietly(lock);
            throw e;
        }
    }

    /** {@code 127.0.0.1:PORT} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Controlled shutdown, waiting for it to finish: logs are flushed and marked clean, so the next
     * start skips log recovery. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        closeQuietly(lock);
    }

    /** Runs a broker as its own process: {@code EmbeddedKafkaBroker <dataDir>}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedKafkaBroker <dataDir>");
            System.exit(2);
        }
        EmbeddedKafkaBroker broker = start(Path.of(args[0]));
        Standalone.runUntilTerminated(broker, broker.bootstrapServers());
    }

    /**
     * Kafka locks its log directories only after the metadata log has been opened (and possibly
     * recovered), so a second broker on a directory that is in use damages the running one's
     * metadata log before it fails. Hence a lock of our own, taken before Kafka touches anything.
     */
    private static FileChannel lock(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            boolean locked;
            try {
                locked = channel.tryLock() != null;
            } catch (OverlappingFileLockException heldInThisJvm) {
                locked = false;
            }
            if (!locked) {
                channel.close();
                throw new IllegalStateException(dataDir + " is in use by another Kafka broker (in this or another process)");
            }
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dataDir, e);
        }
    }

    private static void closeQuietly(FileChannel lock) {
        try {
            lock.close(); // releases the lock
        } catch (IOException e) {
            log.warn("cannot release the lock on a Kafka data directory", e);
        }
    }

    private static Properties settings(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // A static voter list (not a KIP-853 dynamic quorum): the controller's address then lives in
        // this config only, not in the stored metadata, so the controller port may change between runs.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        // one directory for partitions and the metadata log, so everything stays under dataDir
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());

        // a single node: every internal topic has one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "4");
        // the event topic is the history: keep everything
        p.put("log.retention.ms", "-1");
        p.put("auto.create.topics.enable", "false");
        // After a hard kill the controller keeps the dead broker's registration until its session
        // expires (default 9 s), and the restarted broker cannot register before that. Shorter here.
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "3000");
        // fail instead of hanging forever if the node cannot come up
        p.put("server.max.startup.time.ms", "60000");
        return p;
    }

    /** What {@code kafka-storage.sh format} does, for a node whose voters are static. */
    private static void format(Path logDir) {
        log.info("Formatting Kafka storage in {}", logDir);
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream())) // stdout belongs to main()
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format Kafka storage in " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir, e);
        }
    }
}
