package ai.soul.query.projection;

import ai.soul.platform.consistency.ReadYourWrites;
import ai.soul.platform.events.CloudEventCodec;
import ai.soul.projections.ProjectionOffsets;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Feeds the read models from the topic: a batch of records at a time, every projector in turn, then
 * the offsets reached are stored in MongoDB next to the read models ({@link ProjectionOffsets}),
 * and only then are they committed to Kafka (at least once; the projectors make a repeat harmless).
 * <p>
 * The stored offsets, not Kafka's, are where reading resumes: on every partition assignment each
 * partition is sought to its stored offset, or to its beginning when none is stored. Kafka's
 * committed offsets can be ahead of the read models (the embedded MongoDB server persists about
 * once a second, so a crash can lose the last writes); they are kept for monitoring the lag.
 */
@Component
class ProjectionRunner implements ConsumerSeekAware {

    static final String LISTENER_ID = "read-models";
    static final String GROUP = "${soul.projections.group:read-models}";

    private static final Logger log = LoggerFactory.getLogger(ProjectionRunner.class);

    private final List<Projector> projectors;
    private final CloudEventCodec codec;
    private final ReadYourWrites readYourWrites;
    private final ProjectionOffsets offsets;
    private final ProjectionProgress progress;
    private final String group;
    private final Duration offsetsLoadTimeout;

    ProjectionRunner(List<Projector> projectors, CloudEventCodec codec, ReadYourWrites readYourWrites,
                     ProjectionOffsets offsets, ProjectionProgress progress, @Value(GROUP) String group,
                     @Value("${soul.projections.offsets-load-timeout:60s}") Duration offsetsLoadTimeout) {
        this.projectors = projectors;
        this.codec = codec;
        this.readYourWrites = readYourWrites;
        this.offsets = offsets;
        this.progress = progress;
        this.group = group;
        this.offsetsLoadTimeout = offsetsLoadTimeout;
    }

    @KafkaListener(id = LISTENER_ID, groupId = GROUP, topics = "${soul.kafka.topic}",
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
        for (Projector projector : projectors) {
            projector.apply(events);
        }
        for (PublishedEvent<?> event : events) {
            readYourWrites.applied(event.subject(), event.sequence());
        }
        // after the writes of the records they cover
        byTopic(next).forEach((topic, partitions) -> offsets.store(group, topic, partitions));
        progress.batchApplied(records.size(), next);
    }

    /** Every partition this consumer gets starts where the read models are: its stored offset, or its beginning. */
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
        log.info("Read models resume at the stored offsets {}; from the beginning: {}", resumed, fromStart);
    }

    /**
     * The stored offsets; while MongoDB does not answer, tries again for a while, then reads the
     * partitions from their beginning, which is always correct (the projectors are idempotent), as
     * Kafka's committed offsets would not be.
     */
    private Map<Integer, Long> load(String topic, Set<Integer> partitions) {
        long deadline = System.nanoTime() + offsetsLoadTimeout.toNanos();
        long pause = 100;
        while (true) {
            try {
                return offsets.load(group, topic, partitions);
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
