package ai.soul.query.projection;

import ai.soul.platform.events.CloudEventCodec;
import ai.soul.projections.LogProjection;
import ai.soul.schemas.PublishedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Feeds a projection from the topic, with its own consumer group: a batch of records at a time, then
 * the offsets reached are stored by the projection next to what it built ({@link LogProjection}:
 * the read models keep them in MongoDB, the search index in its commit), and only then are they
 * committed to Kafka (at least once; the projections make a repeat harmless).
 * <p>
 * The stored offsets, not Kafka's, are where reading resumes: on every partition assignment each
 * partition is sought to its stored offset, or to its beginning when none is stored. Kafka's
 * committed offsets can be ahead of the projection (the embedded MongoDB server persists about
 * once a second, so a crash can lose the last writes); they are kept for monitoring the lag.
 * One runner per projection (see {@link ProjectionConfiguration}); the listener's id and group
 * come from the runner.
 */
class ProjectionRunner implements ConsumerSeekAware {

    static final String READ_MODELS = "read-models";
    static final String GROUP = "${soul.projections.group:read-models}";

    private static final Logger log = LoggerFactory.getLogger(ProjectionRunner.class);

    private final String listenerId;
    private final String group;
    private final LogProjection projection;
    private final CloudEventCodec codec;
    private final Consumer<List<PublishedEvent<?>>> afterApply;
    private final ProjectionProgress progress;
    private final Duration offsetsLoadTimeout;

    /** @param afterApply told of each batch once it is applied and its offsets stored */
    ProjectionRunner(String listenerId, String group, LogProjection projection, CloudEventCodec codec,
                     Consumer<List<PublishedEvent<?>>> afterApply, ProjectionProgress progress, Duration offsetsLoadTimeout) {
        this.listenerId = listenerId;
        this.group = group;
        this.projection = projection;
        this.codec = codec;
        this.afterApply = afterApply;
        this.progress = progress;
        this.offsetsLoadTimeout = offsetsLoadTimeout;
    }

    /** for the listener's SpEL */
    public String getListenerId() {
        return listenerId;
    }

    /** for the listener's SpEL */
    public String getGroup() {
        return group;
    }

    @KafkaListener(id = "#{__listener.listenerId}", groupId = "#{__listener.group}", topics = "${soul.kafka.topic}",
            batch = "true", containerFactory = "projectionContainerFactory")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        List<PublishedEvent<?>> events = new ArrayList<>(records.size());
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
            PublishedEvent<?> event = codec.decode(record.value());
            if (event.data() != null) {
                events.add(event);
            }
        }
        projection.apply(events, byTopic(next));
        afterApply.accept(events);
        progress.batchApplied(records.size(), next);
    }

    /** Every partition this consumer gets starts where the projection is: its stored offset, or its beginning. */
    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        List<TopicPartition> fromStart = new ArrayList<>();
        Map<TopicPartition, Long> resumed = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        byTopic(assignments).forEach((topic, partitions) -> {
            Map<Integer, Long> stored = load(topic, partitions.keySet());
            for (int partition : partitions.keySet()) {
                Long offset = stored.get(partition);
                if (offset == null) {
                    fromStart.add(new TopicPartition(topic, partition));
                } else {
                    callback.seek(topic, partition, offset);
                    resumed.put(new TopicPartition(topic, partition), offset);
                }
            }
        });
        if (!fromStart.isEmpty()) {
            callback.seekToBeginning(fromStart);
        }
        log.info("Projection {} resumes at the stored offsets {}; from the beginning: {}", listenerId, resumed, fromStart);
    }

    /**
     * The stored offsets; while their store does not answer, tries again for a while, then reads the
     * partitions from their beginning, which is always correct (the projectors are idempotent), as
     * Kafka's committed offsets would not be.
     */
    private Map<Integer, Long> load(String topic, Set<Integer> partitions) {
        long deadline = System.nanoTime() + offsetsLoadTimeout.toNanos();
        long pause = 100;
        while (true) {
            try {
                return projection.offsets(topic, partitions);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    log.warn("Stored offsets of {} unreadable for {}; reading its partitions {} from the beginning",
                            topic, offsetsLoadTimeout, partitions, e);
                    return Map.of();
                }
                log.warn("Stored offsets of {} unreadable ({}); trying again in {} ms", topic, e.toString(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Map.of();
                }
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    private static <T> Map<String, Map<Integer, T>> byTopic(Map<TopicPartition, T> byPartition) {
        Map<String, Map<Integer, T>> byTopic = new HashMap<>();
        byPartition.forEach((partition, value) ->
                byTopic.computeIfAbsent(partition.topic(), t -> new HashMap<>()).put(partition.partition(), value));
        return byTopic;
    }
}
