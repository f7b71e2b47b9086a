package ai.soul.query.projection;

import ai.soul.projections.LogProjection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds a projection again from the whole log: stops its listener, notes where the log ends,
 * resets the projection (what it built and its stored offsets) and starts the listener again, which
 * then reads every partition from its beginning. {@link ProjectionProgress} follows it to the end.
 * This instance's listener is the only one stopped: with several query-api instances sharing the
 * read models, stop the others first.
 */
class ProjectionRebuilder {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuilder.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String listenerId;
    private final LogProjection projection;
    private final ProjectionProgress progress;
    private final KafkaListenerEndpointRegistry registry;
    private final KafkaAdmin kafkaAdmin;
    private final String topic;
    private final Runnable afterReset;

    /** @param afterReset run once the projection is reset, before the listener starts again (its parked records go) */
    ProjectionRebuilder(String listenerId, LogProjection projection, ProjectionProgress progress,
                        KafkaListenerEndpointRegistry registry, KafkaAdmin kafkaAdmin, String topic, Runnable afterReset) {
        this.listenerId = listenerId;
        this.projection = projection;
        this.progress = progress;
        this.registry = registry;
        this.kafkaAdmin = kafkaAdmin;
        this.topic = topic;
        this.afterReset = afterReset;
    }

    /** The listener id of the projection, which is also its name on {@code /actuator/projections/{name}}. */
    String name() {
        return listenerId;
    }

    ProjectionProgress progress() {
        return progress;
    }

    /** Starts a rebuild and returns once the listener runs again; a rebuild under way is left to go on. */
    synchronized void rebuild() {
        if (progress.rebuilding()) {
            return;
        }
        MessageListenerContainer container = registry.getListenerContainer(listenerId);
        if (container == null) {
            throw new IllegalStateException("No listener " + listenerId);
        }
        Instant startedAt = Instant.now();
        container.stop();
        try {
            awaitStopped(container);
            Map<TopicPartition, ProjectionProgress.Range> log = logRange();
            projection.reset();
            afterReset.run();
            // from here on the projection is rebuilt from the beginning, whatever happens next
            progress.rebuildStarted(startedAt, log);
            ProjectionRebuilder.log.info("Rebuilding {} from {} records of {}", listenerId, log.values().stream()
                    .mapToLong(range -> range.end() - range.beginning()).sum(), topic);
        } finally {
            container.start();
        }
    }

    private void awaitStopped(MessageListenerContainer container) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (container.isRunning()
                || (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent && concurrent.isChildRunning())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The listener " + listenerId + " did not stop within " + STOP_TIMEOUT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while stopping the listener", e);
            }
        }
    }

    /** Per partition of the topic: its first offset and the offset after its last record, now. */
    private Map<TopicPartition, ProjectionProgress.Range> logRange() {
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            List<TopicPartition> partitions = description.partitions().stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, ListOffsetsResultInfo> beginnings = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, ProjectionProgress.Range> range = new HashMap<>();
            for (TopicPartition partition : partitions) {
                range.put(partition, new ProjectionProgress.Range(beginnings.get(partition).offset(), ends.get(partition).offset()));
            }
            return range;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the offsets of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the offsets of " + topic, e);
        }
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
