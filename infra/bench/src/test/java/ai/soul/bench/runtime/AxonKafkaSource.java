package ai.soul.bench.runtime;

import ai.soul.edge.events.CloudEventCodec;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Candidate A's message source: what the axon-kafka extension's {@code StreamableKafkaMessageSource}
 * would be (that extension is not served by the registry here), reduced to one segment. It reads
 * every partition of the topic from the token's positions with one consumer, decodes each record with
 * the system's CloudEvent codec (as our runner does) and hands Axon a tracked message whose token is
 * the next offset of every partition read so far.
 */
final class AxonKafkaSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final CloudEventCodec codec;

    AxonKafkaSource(Map<String, Object> clientConfig, String topic, CloudEventCodec codec) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        // the settings of the runtime's consumers (ProjectionConfiguration), without a group: partitions are assigned
        config.put("key.deserializer", StringDeserializer.class);
        config.put("value.deserializer", ByteArrayDeserializer.class);
        config.put("enable.auto.commit", false);
        config.put("fetch.max.wait.ms", 10);
        config.put("max.poll.records", 1000);
        this.consumerConfig = config;
        this.topic = topic;
        this.codec = codec;
    }

    @Override
    public TrackingToken createTailToken() {
        return new Positions(Map.of());
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
        return new Stream(token instanceof Positions positions ? positions.next() : Map.of());
    }

    /** The offset of the next record of each partition read; a partition absent is read from its beginning. */
    record Positions(Map<Integer, Long> next) implements TrackingToken {

        @JsonCreator
        Positions(@JsonProperty("next") Map<Integer, Long> next) {
            this.next = Map.copyOf(next);
        }

        @Override
        @JsonProperty("next")
        public Map<Integer, Long> next() {
            return next;
        }

        @Override
        public TrackingToken lowerBound(TrackingToken other) {
            return merge(other, Math::min);
        }

        @Override
        public TrackingToken upperBound(TrackingToken other) {
            return merge(other, Math::max);
        }

        private TrackingToken merge(TrackingToken other, java.util.function.BinaryOperator<Long> pick) {
            Map<Integer, Long> merged = new HashMap<>(next);
            ((Positions) other).next.forEach((partition, offset) -> merged.merge(partition, offset, pick));
            return new Positions(merged);
        }

        @Override
        public boolean covers(TrackingToken other) {
            return other == null || ((Positions) other).next.entrySet().stream()
                    .allMatch(e -> next.getOrDefault(e.getKey(), 0L) >= e.getValue());
        }
    }

    /**
     * As the extension's AsyncFetcher: a thread of its own polls the consumer and converts the records into a
     * bounded buffer (10,000, the extension's default), which the processor's thread drains.
     */
    private final class Stream implements BlockingStream<TrackedEventMessage<?>> {

        private final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig);
        private final LinkedBlockingQueue<TrackedEventMessage<?>> buffer = new LinkedBlockingQueue<>(10_000);
        /** A record taken off the buffer by hasNextAvailable, not yet handed out (only the processor's thread touches it). */
        private TrackedEventMessage<?> head;
        private final Map<Integer, Long> next;
        private final Thread fetcher;
        private volatile boolean open = true;

        Stream(Map<Integer, Long> from) {
            this.next = new HashMap<>(from);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            from.forEach((partition, offset) -> consumer.seek(new TopicPartition(topic, partition), offset));
            fetcher = new Thread(this::fetch, "axon-kafka-fetcher");
            fetcher.setDaemon(true);
            fetcher.start();
        }

        private void fetch() {
            try {
                while (open) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        next.put(record.partition(), record.offset() + 1);
                        buffer.put(new GenericTrackedEventMessage<>(new Positions(next),
                                GenericEventMessage.asEventMessage(codec.decode(record.value()))));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                consumer.close();
            }
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return Optional.ofNullable(head != null ? head : buffer.peek());
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            // blocks on the queue until a record comes or the time is up, and keeps it for nextAvailable
            if (head == null) {
                head = buffer.poll(timeout, unit);
            }
            return head != null;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            TrackedEventMessage<?> next = head != null ? head : buffer.take();
            head = null;
            return next;
        }

        @Override
        public void close() {
            open = false;
            fetcher.interrupt();
        }
    }
}
