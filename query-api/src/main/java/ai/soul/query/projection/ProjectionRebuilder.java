package ai.soul.query.projection;

import ai.soul.projections.ProjectionOffsets;
import ai.soul.projections.Projector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

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
 * Builds the read models again from the whole log: stops the listener, notes where the log ends,
 * forgets the stored offsets, resets every projector and starts the listener again, which then
 * reads every partition from its beginning. {@link ProjectionProgress} follows it to the end.
 * <p>
 * The offsets go before the read models: a crash in between leaves read models and no offsets,
 * which the next start replays from the beginning (harmless), never reset read models with offsets
 * that claim they are complete. This instance's listener is the only one stopped: with several
 * query-api instances sharing the read models, stop the others first.
 */
@Component
class ProjectionRebuilder {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuilder.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaListenerEndpointRegistry registry;
    private final List<Projector> projectors;
    private final ProjectionOffsets offsets;
    private final ProjectionProgress progress;
    private final KafkaAdmin kafkaAdmin;
    private final String topic;
    private final String group;

    ProjectionRebuilder(KafkaListenerEndpointRegistry registry, List<Projector> projectors, ProjectionOffsets offsets,
                        ProjectionProgress progress, KafkaAdmin kafkaAdmin, @Value("${soul.kafka.topic}") String topic,
                        @Value(ProjectionRunner.GROUP) String group) {
        this.registry = registry;
        this.projectors = projectors;
        this.offsets = offsets;
        this.progress = progress;
        this.kafkaAdmin = kafkaAdmin;
        this.topic = topic;
        this.group = group;
    }

    /** Starts a rebuild and returns once the listener runs again; a rebuild under way is left to go on. */
    synchronized void rebuild() {
        if (progress.rebuilding()) {
            return;
        }
        MessageListenerContainer container = registry.getListenerContainer(ProjectionRunner.LISTENER_ID);
        if (container == null) {
            throw new IllegalStateException("No listener " + ProjectionRunner.LISTENER_ID);
        }
        Instant startedAt = Instant.now();
        container.stop();
        try {
            awaitStopped(container);
            Map<TopicPartition, ProjectionProgress.Range> log = logRange();
            offsets.clear(group);
            // from here on the read models are rebuilt from the beginning, whatever happens next
            progress.rebuildStarted(startedAt, log);
            for (Projector projector : projectors) {
                try {
                    projector.reset();
                } catch (RuntimeException e) {
                    ProjectionRebuilder.log.warn("Reset of {} failed; the replay from the beginning still rebuilds it",
                            projector.getClass().getSimpleName(), e);
                }
            }
            ProjectionRebuilder.log.info("Rebuilding the read models from {} records of {}", log.values().stream()
                    .mapToLong(range -> range.end() - range.beginning()).sum(), topic);
        } finally {
            container.start();
        }
    }

    private static void awaitStopped(MessageListenerContainer container) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (container.isRunning()
                || (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent && concurrent.isChildRunning())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The listener " + ProjectionRunner.LISTENER_ID + " did not stop within " + STOP_TIMEOUT);
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
