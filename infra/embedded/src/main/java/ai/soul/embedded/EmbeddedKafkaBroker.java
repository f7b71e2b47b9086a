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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, broker and controller in one node) running in this JVM and keeping
 * everything - records, topics, consumer-group offsets, cluster metadata - under one directory, so
 * a new broker on the same directory, in this JVM or another, carries on where the last one stopped.
 * <p>
 * Listens on 127.0.0.1 only, and only to clients that log in: other users of the machine reach the
 * port too. Clients log in as {@value #USER} with the password kept in an owner-only file, with
 * SASL/SCRAM-SHA-256 ({@link #clientConfig()}) or SASL/PLAIN (for tools built on a librdkafka older
 * than 2.6.1, which cannot do SCRAM with Kafka 4). The broker's own connections (controller, inter-broker)
 * use SASL/PLAIN on listeners of their own, with a password made afresh at each start and never
 * written down: KRaft keeps SCRAM credentials in its metadata log, which the controller must be able
 * to read before any credential exists. The client user is (re)created at each start through that
 * internal listener, so directories formatted before credentials were required keep working.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The user clients log in as. */
    public static final String USER = "soul";
    /** Where a broker started on its own keeps the client password, under its directory. */
    public static final String PASSWORD_FILE = "secrets/kafka-password";

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String CLIENT_LISTENER = "CLIENT";
    private static final String INTERNAL_LISTENER = "INTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String INTERNAL_USER = "broker";
    private static final String SCRAM = "SCRAM-SHA-256";
    private static final String PLAIN = "PLAIN";
    private static final int SCRAM_ITERATIONS = 8192;
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String PORTS_FILE = "kafka-ports.properties";
    private static final String LOG_DIR = "kafka";
    private static final String LOCK_FILE = "kafka.lock";

    private final KafkaRaftServer server;
    private final FileChannel lock;
    private final String bootstrapServers;
    private final Map<String, Object> clientConfig;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, FileChannel lock, String bootstrapServers, Map<String, Object> clientConfig) {
        this.server = server;
        this.lock = lock;
        this.bootstrapServers = bootstrapServers;
        this.clientConfig = clientConfig;
    }

    /** {@link #start(Path, Path)} with the password under {@code dataDir} ({@value #PASSWORD_FILE}). */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, dataDir.resolve(PASSWORD_FILE));
    }

    /**
     * Starts a broker on {@code dataDir}, formatting it first if it holds no Kafka storage yet. Its
     * clients' password is the one in {@code passwordFile}, made there on first start.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, Path passwordFile) {
        long started = System.nanoTime();
        Path logDir = OwnerOnly.directory(dataDir.toAbsolutePath()).resolve(LOG_DIR);
        String password = OwnerOnly.secret(passwordFile);
        FileChannel lock = lock(dataDir);
        try {
            Map<String, Integer> ports = PortFile.resolve(dataDir.resolve(PORTS_FILE), "broker", "controller", "internal");
            String internalPassword = OwnerOnly.newSecret(32);
            KafkaConfig config = new KafkaConfig(settings(logDir, ports, password, internalPassword), false);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            String bootstrap = HOST + ":" + ports.get("broker");
            Map<String, Object> clientConfig = Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name,
                    SaslConfigs.SASL_MECHANISM, SCRAM,
                    SaslConfigs.SASL_JAAS_CONFIG, jaas(ScramLoginModule.class, USER, password));
            try {
                // returns once the broker is unfenced and accepts requests
                server.startup();
                createClientUser(HOST + ":" + ports.get("internal"), internalPassword, password);
                awaitLogin(clientConfig);
            } catch (Exception e) { // Scala code may throw checked exceptions undeclared
                server.shutdown();
                server.awaitShutdown();
                throw new IllegalStateException("Kafka broker on " + logDir + " did not start", e);
            }
            log.info("Kafka broker on {} ready at {} in {} ms", logDir, bootstrap, (System.nanoTime() - started) / 1_000_000);
            return new EmbeddedKafkaBroker(server, lock, bootstrap, clientConfig);
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
     * What a Kafka client needs to connect: {@code bootstrap.servers}, {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config} (with the password).
     */
    public Map<String, Object> clientConfig() {
        return clientConfig;
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

    /**
     * Runs a broker as its own process: {@code EmbeddedKafkaBroker <dataDir> [<passwordFile>]}
     * (by default {@value #PASSWORD_FILE} under the directory). Clients log in as {@value #USER}
     * with the password in that file.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 && args.length != 2) {
            System.err.println("usage: EmbeddedKafkaBroker <dataDir> [<passwordFile>]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        Path passwordFile = args.length == 2 ? Path.of(args[1]) : dataDir.resolve(PASSWORD_FILE);
        EmbeddedKafkaBroker broker = start(dataDir, passwordFile);
        System.err.printf("Clients log in with SASL_PLAINTEXT (%s or %s), user %s and the password in %s%n",
                SCRAM, PLAIN, USER, passwordFile.toAbsolutePath());
        Standalone.runUntilTerminated(broker, broker.bootstrapServers());
    }

    /** The client user, with a fresh salt, through the internal listener as the broker's own user. */
    private static void createClientUser(String internalBootstrap, String internalPassword, String password) throws Exception {
        Map<String, Object> internal = Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, internalBootstrap,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name,
                SaslConfigs.SASL_MECHANISM, PLAIN,
                SaslConfigs.SASL_JAAS_CONFIG, jaas(PlainLoginModule.class, INTERNAL_USER, internalPassword));
        try (Admin admin = Admin.create(internal)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, SCRAM_ITERATIONS), password)))
                    .all().get(LOGIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * The credential is committed by the controller, then applied by the broker a moment later: ready
     * once a client logs in with it.
     */
    private static void awaitLogin(Map<String, Object> clientConfig) throws Exception {
        long deadline = System.nanoTime() + LOGIN_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(clientConfig)) {
            while (true) {
                try {
                    admin.describeCluster().clusterId().get(LOGIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
        }
    }

    /** A client's JAAS line. */
    private static String jaas(Class<?> module, String username, String password) {
        return module.getName() + " required username=\"" + username + "\" password=\"" + password + "\";";
    }

    /** A PLAIN server's JAAS line: the one user it takes, and ({@code self}) who it is when it connects itself. */
    private static String plainServer(String username, String password, boolean self) {
        String login = self ? " username=\"" + username + "\" password=\"" + password + "\"" : "";
        return PlainLoginModule.class.getName() + " required" + login + " user_" + username + "=\"" + password + "\";";
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

    private static Properties settings(Path logDir, Map<String, Integer> ports, String password, String internalPassword) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // A static voter list (not a KIP-853 dynamic quorum): the controller's address then lives in
        // this config only, not in the stored metadata, so the controller port may change between runs.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + ports.get("controller"));
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        String client = CLIENT_LISTENER + "://" + HOST + ":" + ports.get("broker");
        String internal = INTERNAL_LISTENER + "://" + HOST + ":" + ports.get("internal");
        p.put("listeners", client + "," + internal + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + ports.get("controller"));
        p.put("advertised.listeners", client + "," + internal);
        p.put("inter.broker.listener.name", INTERNAL_LISTENER);
        // every listener requires a login: clients as soul, the broker's own connections as broker (this start's password)
        p.put("listener.security.protocol.map", String.join(",", CLIENT_LISTENER + ":SASL_PLAINTEXT",
                INTERNAL_LISTENER + ":SASL_PLAINTEXT", CONTROLLER_LISTENER + ":SASL_PLAINTEXT"));
        p.put("sasl.mechanism.inter.broker.protocol", PLAIN);
        p.put("sasl.mechanism.controller.protocol", PLAIN);
        for (String listener : List.of(INTERNAL_LISTENER, CONTROLLER_LISTENER)) {
            String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
            p.put(prefix + "sasl.enabled.mechanisms", PLAIN);
            p.put(prefix + "plain.sasl.jaas.config", plainServer(INTERNAL_USER, internalPassword, true));
        }
        // SCRAM for the apps (the password never crosses the socket); PLAIN too, with the same password,
        // for tools whose librdkafka cannot do SCRAM with Kafka 4 (before 2.6.1: Debian 12's kcat)
        String clients = "listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT) + ".";
        p.put(clients + "sasl.enabled.mechanisms", SCRAM + "," + PLAIN);
        p.put(clients + "scram-sha-256.sasl.jaas.config", ScramLoginModule.class.getName() + " required;");
        p.put(clients + "plain.sasl.jaas.config", plainServer(USER, password, false));
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
