package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;

import java.nio.file.Path;
import java.util.Map;

/**
 * The same contract against real MongoDB (a replica set, with Axon's MongoDB event store) and a real
 * Kafka broker in containers. Where no Docker engine runs, it is skipped with one log line.
 */
class RealInfrastructureE2ETest extends ConversationApiContract {

    @TempDir
    static Path data;
    static MongoDBContainer mongo;
    static KafkaContainer kafka;
    static AllInOneSystem system;
    static Api api;

    @BeforeAll
    static void start() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            LoggerFactory.getLogger(RealInfrastructureE2ETest.class)
                    .warn("No Docker engine here: skipping the end-to-end suite against real MongoDB and Kafka containers");
        }
        Assumptions.assumeTrue(docker, "Docker is not available");
        mongo = new MongoDBContainer("mongo:8");
        kafka = new KafkaContainer("apache/kafka:4.1.2");
        mongo.start();
        kafka.start();
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.getBootstrapServers(), "MONGODB_URI", mongo.getReplicaSetUrl());
        system = AllInOneSystem.start(data, 0, env,
                "--spring.kafka.bootstrap-servers=" + kafka.getBootstrapServers(),
                "--spring.mongodb.uri=" + mongo.getReplicaSetUrl(),
                "--soul.event-store=mongo");
        api = new Api("http://localhost:" + system.port());
    }

    @AfterAll
    static void stop() {
        if (system != null) system.close();
        if (kafka != null) kafka.stop();
        if (mongo != null) mongo.stop();
    }

    @Override
    Api api() {
        return api;
    }
}
