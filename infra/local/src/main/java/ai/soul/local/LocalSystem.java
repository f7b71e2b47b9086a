package ai.soul.local;

import ai.soul.embedded.EmbeddedKafkaBroker;
import ai.soul.embedded.EmbeddedMongoServer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import ai.soul.platform.auth.AccessTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole system in this JVM: an embedded Kafka broker and MongoDB-compatible server under the
 * data directory (each unless an external one is configured), then both apps in one context.
 */
public final class LocalSystem implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedMongoServer mongo;
    private final ConfigurableApplicationContext context;

    private LocalSystem(EmbeddedKafkaBroker broker, EmbeddedMongoServer mongo, ConfigurableApplicationContext context) {
        this.broker = broker;
        this.mongo = mongo;
        this.context = context;
    }

    /**
     * @param env         where KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are looked up (the process environment, or a test's)
     * @param extraArgs   further Spring arguments ({@code --name=value}), which win over everything else
     */
    public static LocalSystem start(Path dataDir, int port, Map<String, String> env, String... extraArgs) {
        Path data = dataDir.toAbsolutePath();
        List<String> args = new ArrayList<>(List.of("--DATA_DIR=" + data, "--server.port=" + port));
        EmbeddedKafkaBroker broker = null;
        EmbeddedMongoServer mongo = null;
        try {
            if (blank(env.get("KAFKA_BOOTSTRAP_SERVERS"))) {
                broker = EmbeddedKafkaBroker.start(data.resolve("kafka"));
                args.add("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers());
            }
            if (blank(env.get("MONGODB_URI"))) {
                mongo = EmbeddedMongoServer.start(data.resolve("readmodels"));
                args.add("--spring.mongodb.uri=" + mongo.connectionString());
            }
            if (blank(env.get("SOUL_TOKEN_SECRET"))) {
                args.add("--soul.auth.token-secret=" + tokenSecret(data));
            }
            args.addAll(List.of(extraArgs));
            var context = SpringApplication.run(LocalApplication.class, args.toArray(String[]::new));
            return new LocalSystem(broker, mongo, context);
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

    /**
     * The access-token secret of this data directory, made on first start and readable by its owner
     * only, so tokens outlive a restart without anyone having to invent a secret.
     */
    private static String tokenSecret(Path data) {
        Path file = data.resolve("secrets").resolve("token-secret");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, AccessTokens.newSecret());
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // a file system without POSIX permissions: the data directory's own protection applies
                }
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the access-token secret under " + file, e);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
