package ai.soul.edge.usage;

import ai.soul.edge.events.EventJson;
import ai.soul.schemas.usage.MeteredRequest;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker that is away never holds a request up: records queue, then are dropped and counted. */
class UsagePublisherTest {

    @Test
    void aBrokerThatIsAwayNeverSlowsTheCaller() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var template = new KafkaTemplate<String, byte[]>(new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000)));
        var publisher = new UsagePublisher(template, "soul.usage", EventJson.mapper(), 100);
        var record = new MeteredRequest("usr_1", "key_1", "GET", "/v1/conversations", 200, 0, 120, Instant.now(), 2);

        long start = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            publisher.accept(record);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).isLessThan(1_000);
        // the sender waits for the broker's metadata with one record; the queue holds 100; the rest are dropped
        assertThat(publisher.lost()).isGreaterThanOrEqualTo(20_000 - 101);
        publisher.close();
    }
}
