package ai.soul.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    private static final String TOPIC = "events";
    private static final String GROUP = "projection";

    @Test
    void recordsTopicsAndCommittedOffsetsSurviveRestarts(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = timed("cold start", dir)) {
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            // a second broker on a directory in use would damage the first one's metadata log
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dir)).hasMessageContaining("in use");
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
            produce(broker, 100);
        }

        try (EmbeddedKafkaBroker broker = timed("restart", dir);
             KafkaConsumer<String, String> consumer = consumer(broker)) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= 100;
            });
            Set<String> values = new HashSet<>();
            records.forEach(r -> values.add(r.value()));
            assertThat(records).hasSize(100);
            assertThat(values).hasSize(100).contains("event-0", "event-99");
            consumer.commitSync(Duration.ofSeconds(10));
        }

        try (EmbeddedKafkaBroker broker = timed("second restart", dir); Admin admin = admin(broker)) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains(TOPIC);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            assertThat(committed).hasSize(4);
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(100);
        }
    }

    @Test
    void movesToNewPortsWhenTheRememberedOnesAreTaken(@TempDir Path dir) throws Exception {
        String firstAddress;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
            firstAddress = broker.bootstrapServers();
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
            produce(broker, 10);
        }
        Properties remembered = ports(dir);
        // someone else now holds both the broker's and the controller's port
        try (ServerSocket brokerPort = occupy(remembered.getProperty("broker"));
             ServerSocket controllerPort = occupy(remembered.getProperty("controller"));
             EmbeddedKafkaBroker broker = timed("restart on new ports", dir);
             KafkaConsumer<String, String> consumer = consumer(broker)) {
            assertThat(broker.bootstrapServers()).isNotEqualTo(firstAddress);
            assertThat(ports(dir).getProperty("controller")).isNotEqualTo(remembered.getProperty("controller"));
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= 10;
            });
            assertThat(records).hasSize(10);
        }
    }

    @Test
    void mainRunsTheBrokerAsItsOwnProcessAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        // files, not pipes: destroy() closes the pipes, and what was printed must be checked after exit
        Path stdout = dir.resolve("broker.out");
        Path stderr = dir.resolve("broker.err");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                EmbeddedKafkaBroker.class.getName(), dir.resolve("data").toString())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> read(stdout).contains(System.lineSeparator()) || !process.isAlive());
            System.out.printf("child process READY after %d ms%n", (System.nanoTime() - started) / 1_000_000);
            String ready = read(stdout).strip();
            assertThat(ready).as(() -> "stderr: " + read(stderr)).startsWith("READY 127.0.0.1:");
            String bootstrap = ready.substring("READY ".length());
            // as the broker says on stderr: the password is in a file under its directory
            assertThat(read(stderr)).contains(dir.resolve("data").resolve(EmbeddedKafkaBroker.PASSWORD_FILE).toString());
            Map<String, Object> login = login(bootstrap, Files.readString(dir.resolve("data").resolve(EmbeddedKafkaBroker.PASSWORD_FILE)));

            try (Admin admin = Admin.create(login)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = producer(login)) {
                RecordMetadata written = producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(10, TimeUnit.SECONDS);
                assertThat(written.offset()).isZero();
            }

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited in time").isTrue();
            assertThat(process.exitValue()).as(() -> "exit code; stderr: " + read(stderr)).isZero();
            assertThat(read(stdout)).as("nothing but READY on stdout").isEqualTo(ready + System.lineSeparator());
        } finally {
            process.destroyForcibly();
        }
    }

    /** Finding 3 of issue 10: any local user could read and write the event log over loopback. */
    @Test
    void refusesClientsWithoutCredentials(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            }
            Map<String, Object> anonymous = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(anonymous, new StringSerializer(), new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "forged")).get(10, TimeUnit.SECONDS))
                        .as("a producer without credentials").isNotNull();
            }
            Map<String, Object> anonymousReader = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(anonymousReader, new StringDeserializer(), new StringDeserializer())) {
                assertThatThrownBy(() -> consumer.listTopics(Duration.ofSeconds(3))).as("a consumer without credentials")
                        .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }

            Map<String, Object> guessed = with(login(broker.bootstrapServers(), "guessed"), ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(guessed, new StringSerializer(), new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "forged")).get(10, TimeUnit.SECONDS))
                        .as("a producer with a wrong password").satisfies(EmbeddedKafkaBrokerTest::authenticationFailed);
            }
            Map<String, Object> guessedReader = with(login(broker.bootstrapServers(), "guessed"), ConsumerConfig.GROUP_ID_CONFIG, GROUP);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(guessedReader, new StringDeserializer(), new StringDeserializer())) {
                assertThatThrownBy(() -> consumer.listTopics(Duration.ofSeconds(3))).as("a consumer with a wrong password")
                        .satisfies(EmbeddedKafkaBrokerTest::authenticationFailed);
            }
            // PLAIN (for tools whose librdkafka cannot do SCRAM with Kafka 4) takes the same password only
            String password = Files.readString(dir.resolve(EmbeddedKafkaBroker.PASSWORD_FILE));
            try (KafkaProducer<String, String> producer = producer(plain(broker, "guessed"))) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "forged")).get(10, TimeUnit.SECONDS))
                        .as("PLAIN with a wrong password").satisfies(EmbeddedKafkaBrokerTest::authenticationFailed);
            }
            try (KafkaProducer<String, String> producer = producer(plain(broker, password))) {
                assertThat(producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(10, TimeUnit.SECONDS).offset()).isZero();
            }
            // and SCRAM, as the apps log in
            try (KafkaProducer<String, String> producer = producer(broker.clientConfig())) {
                assertThat(producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(10, TimeUnit.SECONDS).offset()).isEqualTo(1);
            }
            assertThat(Files.getPosixFilePermissions(dir.resolve(EmbeddedKafkaBroker.PASSWORD_FILE)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    private static void authenticationFailed(Throwable thrown) {
        Throwable cause = thrown;
        while (cause != null && !(cause instanceof SaslAuthenticationException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("a SASL authentication failure in " + thrown).isNotNull();
    }

    private static EmbeddedKafkaBroker timed(String what, Path dir) {
        long started = System.nanoTime();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir);
        System.out.printf("broker %s took %d ms%n", what, (System.nanoTime() - started) / 1_000_000);
        return broker;
    }

    private static void produce(EmbeddedKafkaBroker broker, int count) throws Exception {
        try (KafkaProducer<String, String> producer = producer(broker.clientConfig())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "event-" + i)));
            }
            for (Future<RecordMetadata> ack : sent) {
                ack.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> login) {
        return new KafkaProducer<>(with(login,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker broker) {
        return new KafkaConsumer<>(with(broker.clientConfig(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(broker.clientConfig());
    }

    private static Map<String, Object> login(String bootstrap, String password) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"soul\" password=\"" + password + "\";");
    }

    private static Map<String, Object> plain(EmbeddedKafkaBroker broker, String password) {
        return with(broker.clientConfig(), SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"soul\" password=\"" + password + "\";",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
    }

    private static Map<String, Object> with(Map<String, Object> config, Object... more) {
        Map<String, Object> all = new HashMap<>(config);
        for (int i = 0; i < more.length; i += 2) {
            all.put((String) more[i], more[i + 1]);
        }
        return all;
    }

    private static Properties ports(Path dir) throws IOException {
        Properties ports = new Properties();
        try (var in = Files.newInputStream(dir.resolve("kafka-ports.properties"))) {
            ports.load(in);
        }
        return ports;
    }

    private static ServerSocket occupy(String port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)));
        return socket;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
