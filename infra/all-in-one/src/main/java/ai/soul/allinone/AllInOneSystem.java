package ai.soul.allinone;

import ai.soul.embedded.EmbeddedKafkaBroker;
import ai.soul.embedded.EmbeddedMongoServer;
import ai.soul.embedded.OwnerOnly;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole system in this JVM: an embedded Kafka broker and MongoDB-compatible server under the
 * data directory (each unless an external one is configured), then both apps in one context.
 * <p>
 * Closed to the machine's other users: the data directory and everything in it is readable by its
 * owner only ({@link OwnerOnly}), the broker takes only clients that log in with the password kept
 * under {@code secrets/}, and the MongoDB server listens on a Unix socket inside the data directory.
 */
public final class AllInOneSystem implements AutoCloseable {

    private static final String SECRETS = "secrets";

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedMongoServer mongo;
    private final ConfigurableApplicationContext context;

    private AllInOneSystem(EmbeddedKafkaBroker broker, EmbeddedMongoServer mongo, ConfigurableApplicationContext context) {
        this.broker = broker;
        this.mongo = mongo;
        this.context = context;
    }

    /**
     * @param env         where KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are looked up (the process environment, or a test's)
     * @param extraArgs   further Spring arguments ({@code --name=value}), which win over everything else
     */
    public static AllInOneSystem start(Path dataDir, int port, Map<String, String> env, String... extraArgs) {
        Path data = OwnerOnly.directory(dataDir.toAbsolutePath());
        List<String> args = new ArrayList<>(List.of("--DATA_DIR=" + data, "--server.port=" + port));
        EmbeddedKafkaBroker broker = null;
        EmbeddedMongoServer mongo = null;
        try {
            if (blank(env.get("KAFKA_BOOTSTRAP_SERVERS"))) {
                broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), data.resolve(SECRETS).resolve("kafka-password"));
                args.addAll(kafkaArguments(broker.clientConfig()));
            }
            if (blank(env.get("MONGODB_URI"))) {
                mongo = EmbeddedMongoServer.start(data.resolve("readmodels"));
                args.add("--spring.mongodb.uri=" + mongo.connectionString());
            }
            if (blank(env.get("SOUL_TOKEN_SECRET"))) {
                // the access-token secret of this data directory, so tokens outlive a restart
                args.add("--soul.auth.token-secret=" + OwnerOnly.secret(data.resolve(SECRETS).resolve("token-secret"), 48));
            }
            args.addAll(List.of(extraArgs));
            var context = SpringApplication.run(AllInOneApplication.class, args.toArray(String[]::new));
            return new AllInOneSystem(broker, mongo, context);
        } catch (RuntimeException e) {
            if (mongo != null) mongo.close();
            if (broker != null) broker.close();
            throw e;
        }
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** Stops the apps first, so nothing writes to the infrastructure while it shuts down. */
    @Override
    public void close() {
        context.close();
        if (mongo != null) mongo.close();
        if (broker != null) broker.close();
    }

    /** The embedded broker's address and login, as the apps' Kafka settings. */
    private static List<String> kafkaArguments(Map<String, Object> client) {
        List<String> args = new ArrayList<>();
        client.forEach((name, value) -> args.add(switch (name) {
            case CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG -> "--spring.kafka.bootstrap-servers=" + value;
            case CommonClientConfigs.SECURITY_PROTOCOL_CONFIG -> "--spring.kafka.security.protocol=" + value;
            default -> "--spring.kafka.properties." + name + "=" + value;
        }));
        return args;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
