package ai.soul.allinone;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Finding 3 of issue 10, against the whole system: another user of the machine could read the event
 * store and the Kafka log under DATA_DIR (0644/0755), and reach the broker and the MongoDB server on
 * loopback without any login (one document inserted into {@code soul.api_keys} made a chosen key
 * authenticate as someone else). The data directory here starts as an older version left it.
 */
class ClosedLocalModeE2ETest {

    @TempDir
    static Path root;
    static Path data;
    static AllInOneSystem system;
    static Api api;

    @BeforeAll
    static void start() throws IOException {
        data = root.resolve("data");
        Path old = Files.writeString(Files.createDirectories(data.resolve("older")).resolve("notes.txt"), "an older version's file");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(old.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void nothingUnderTheDataDirectoryIsOpenToOthers() throws IOException {
        String key = api.register("closed-" + UUID.randomUUID() + "@example.com");
        Api.Response created = api.post("/v1/conversations", key, "{\"title\":\"Closed local mode\",\"content\":\"Nobody else reads this\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asString();
        // in the event store, the Kafka log, the read models and the search index by now
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                api.post("/v1/conversations/search", key, "{\"query\":\"nobody\"}").body().get("data").findValuesAsString("id"))
                .containsExactly(id));

        assertThat(openToOthers(data)).isEmpty();
        assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void theBrokerTakesOnlyClientsThatLogIn() throws Exception {
        String bootstrap = system.context().getEnvironment().getRequiredProperty("spring.kafka.bootstrap-servers");
        Map<String, Object> anonymous = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(anonymous, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("soul.events", "conv_forged", "{}")).get(10, TimeUnit.SECONDS))
                    .as("a forged event from a client without the login").isNotNull();
        }
        // the login is the password in the data directory, which only its owner reads
        String password = Files.readString(data.resolve("secrets/kafka-password"));
        Map<String, Object> owner = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"soul\" password=\"" + password + "\";");
        try (Admin admin = Admin.create(owner)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("soul.events");
        }
    }

    @Test
    void theReadModelsAreReachedOnlyThroughAnOwnerOnlySocket() throws IOException {
        String uri = system.context().getEnvironment().getRequiredProperty("spring.mongodb.uri");
        assertThat(uri).startsWith("mongodb://%2F");
        Path socket = Path.of(URLDecoder.decode(uri.substring("mongodb://".length()), StandardCharsets.UTF_8));
        assertThat(socket).isEqualTo(data.resolve("readmodels/mongod.sock"));
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(data.resolve("readmodels/mongo-ports.properties")).as("no TCP port any more").doesNotExist();
        // and the system itself reads and writes through it
        assertThat(api.get("/v1/health", null).status()).isEqualTo(200);
    }

    /** Every path under {@code dir} that its group or others may use, with its permissions. */
    static List<String> openToOthers(Path dir) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            return tree.map(path -> path + " " + permissions(path)).filter(line -> !line.endsWith("------")).toList();
        }
    }

    private static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
