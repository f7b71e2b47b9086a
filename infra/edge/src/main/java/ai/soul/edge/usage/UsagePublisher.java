package ai.soul.edge.usage;

import ai.soul.schemas.usage.MeteredRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends metered requests to the usage topic, off the request thread: a request only queues its
 * record (a bounded queue; when it is full, as while Kafka is unreachable, the record is dropped and
 * counted), and one thread hands the records to the producer, which batches them. A failed send is
 * logged by count, never with the record's contents.
 */
public class UsagePublisher implements Consumer<MeteredRequest>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsagePublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final String topic;
    private final ObjectMapper json;
    private final ThreadPoolExecutor sender;
    private final AtomicLong lost = new AtomicLong();

    public UsagePublisher(KafkaTemplate<String, byte[]> kafka, String topic, ObjectMapper json, int queueCapacity) {
        this.kafka = kafka;
        this.topic = topic;
        this.json = json;
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), runnable -> {
            Thread thread = new Thread(runnable, "usage-publisher");
            thread.setDaemon(true);
            return thread;
        }, (runnable, executor) -> lost("the queue is full"));
    }

    @Override
    public void accept(MeteredRequest request) {
        sender.execute(() -> send(request));
    }

    private void send(MeteredRequest request) {
        try {
            kafka.send(topic, request.accountId(), json.writeValueAsBytes(request))
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            lost(failure.getClass().getSimpleName());
                        }
                    });
        } catch (Exception e) {
            lost(e.getClass().getSimpleName());
        }
    }

    /** Records dropped or not acknowledged so far. */
    public long lost() {
        return lost.get();
    }

    /** Logs the first loss and then at every power of two, so an outage does not flood the log. */
    private void lost(String why) {
        long n = lost.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            log.warn("Usage records not sent: {} so far ({})", n, why);
        }
    }

    @Override
    public void close() throws Exception {
        sender.shutdown();
        if (!sender.awaitTermination(5, TimeUnit.SECONDS)) {
            sender.shutdownNow(); // the broker is away: what is still queued is lost, as it would be in a crash
        }
        if (kafka.getProducerFactory() instanceof DisposableBean factory) {
            factory.destroy();
        }
    }
}
