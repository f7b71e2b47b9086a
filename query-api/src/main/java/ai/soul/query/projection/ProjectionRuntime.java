package ai.soul.query.projection;

import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.projections.OffsetStore;
import ai.soul.projections.ParkedEvents;
import ai.soul.projections.ProjectionOffsets;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import com.mongodb.client.MongoDatabase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The projection runtime: every {@link Projector} bean, grouped by {@link Projector#projection()}
 * into projections, each run by a {@link ProjectionRunner} with a Kafka consumer of its own on
 * {@code soul.kafka.topic}. A new read model is a new projector bean; nothing here names one.
 * <p>
 * Per projection: its consumer group is {@code soul.projections.<name>.group}, by default the name, or
 * {@code <name>-<HOSTNAME>} for a projection whose state is local to the instance
 * ({@link Projector#localOffsets()}: each instance then reads every partition itself); its offsets are
 * in {@code projection_offsets} unless local; its parked records are in {@code parked_events}; a
 * projection not in the {@link Projector#background() background} tells read-your-writes what it
 * applied. Started after everything else (before that, each projector {@link Projector#prepare() prepares}
 * its store), stopped first.
 */
@Component
class ProjectionRuntime implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRuntime.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** by name */
    private final Map<String, ProjectionRunner> runners = new TreeMap<>();
    private final Map<String, ConcurrentMessageListenerContainer<String, byte[]>> containers = new HashMap<>();
    private final ParkedEvents parked;
    private final KafkaAdmin kafkaAdmin;
    private final String topic;
    private volatile boolean running;

    ProjectionRuntime(List<Projector> projectors, MongoDatabase readModels, CloudEventCodec codec, ReadYourWrites readYourWrites,
                      ConcurrentKafkaListenerContainerFactory<String, byte[]> projectionContainerFactory, KafkaAdmin kafkaAdmin,
                      Environment environment, @Value("${soul.kafka.topic}") String topic,
                      @Value("${soul.projections.offsets-load-timeout:60s}") Duration offsetsLoadTimeout) {
        this.parked = new ParkedEvents(readModels);
        this.kafkaAdmin = kafkaAdmin;
        this.topic = topic;
        Map<String, List<Projector>> byProjection = projectors.stream()
                .collect(Collectors.groupingBy(Projector::projection, TreeMap::new, Collectors.toList()));
        // read-your-writes keeps one applied sequence per aggregate: one projection may feed it, the others run in the background
        List<String> waitedFor = byProjection.entrySet().stream()
                .filter(projection -> projection.getValue().stream().anyMatch(projector -> !projector.background()))
                .map(Map.Entry::getKey).toList();
        if (waitedFor.size() > 1) {
            throw new IllegalStateException("Reads can wait for one projection only; all but one of " + waitedFor + " run in the background");
        }
        byProjection.forEach((name, members) -> {
            boolean background = members.get(0).background();
            if (members.stream().anyMatch(projector -> projector.background() != background)) {
                throw new IllegalStateException("The projectors of " + name + " disagree on whether it runs in the background: " + members);
            }
            List<OffsetStore> local = members.stream().map(Projector::localOffsets).filter(Objects::nonNull).toList();
            if (!local.isEmpty() && members.size() > 1) {
                throw new IllegalStateException("A projector that keeps its own offsets is alone in its projection: " + name + " has " + members);
            }
            String group = environment.getProperty("soul.projections." + name + ".group",
                    local.isEmpty() ? name : name + "-" + environment.getProperty("HOSTNAME", "local"));
            OffsetStore offsets = local.isEmpty() ? new ProjectionOffsets(readModels, group) : local.get(0);
            Consumer<List<PublishedEvent<?>>> afterApply = background ? events -> { }
                    : events -> events.forEach(event -> readYourWrites.applied(event.subject(), event.sequence()));
            ProjectionRunner runner = new ProjectionRunner(name, group, members, offsets, background, codec, afterApply,
                    offsetsLoadTimeout, parked);
            runners.put(name, runner);
            ConcurrentMessageListenerContainer<String, byte[]> container = projectionContainerFactory.createContainer(topic);
            container.getContainerProperties().setGroupId(group);
            container.getContainerProperties().setClientId(name);
            container.setBeanName(name);
            container.setupMessageListener(runner);
            containers.put(name, container);
        });
    }

    /** The projections by name. */
    Map<String, ProjectionRunner> runners() {
        return runners;
    }

    ParkedEvents parked() {
        return parked;
    }

    @Override
    public synchronized void start() {
        for (ProjectionRunner runner : runners.values()) {
            runner.prepare();
        }
        for (Map.Entry<String, ConcurrentMessageListenerContainer<String, byte[]>> container : containers.entrySet()) {
            container.getValue().start();
            log.info("Projection {} runs in group {}", container.getKey(), runners.get(container.getKey()).group());
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        containers.values().forEach(ConcurrentMessageListenerContainer::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Where the listener containers start: after the web server, before nothing. */
    @Override
    public int getPhase() {
        return AbstractMessageListenerContainer.DEFAULT_PHASE;
    }

    /**
     * Builds a projection again from the whole log: stops its consumer, notes where the log ends,
     * resets the projection (what it built, its offsets and its parked records) and starts the consumer
     * again, which then reads every partition from its beginning; {@link ProjectionProgress} follows it to
     * the end. Returns once the consumer runs again; a rebuild under way is left to go on. This
     * instance's consumer is the only one stopped: with several query-api instances sharing the read
     * models, stop the others first.
     */
    synchronized void rebuild(ProjectionRunner runner) {
        if (runner.progress().rebuilding()) {
            return;
        }
        ConcurrentMessageListenerContainer<String, byte[]> container = containers.get(runner.name());
        Instant startedAt = Instant.now();
        container.stop();
        try {
            awaitStopped(container);
            Map<TopicPartition, ProjectionProgress.Range> range = logRange();
            runner.reset();
            // from here on the projection is rebuilt from the beginning, whatever happens next
            runner.progress().rebuildStarted(startedAt, range);
            log.info("Rebuilding {} from {} records of {}", runner.name(), range.values().stream()
                    .mapToLong(r -> r.end() - r.beginning()).sum(), topic);
        } finally {
            if (running) {
                container.start();
            }
        }
    }

    private void awaitStopped(ConcurrentMessageListenerContainer<String, byte[]> container) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (container.isRunning() || container.isChildRunning()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The consumer of " + container.getBeanName() + " did not stop within " + STOP_TIMEOUT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while stopping the consumer", e);
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

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
