package ai.soul.query.projection;

import ai.soul.edge.background.BackgroundThreads;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.projections.ParkedEvents;
import ai.soul.projections.ProjectionOffsets;
import ai.soul.projections.Projector;
import ai.soul.projections.usage.UsageProjector;
import ai.soul.projections.search.ConversationSearch;
import ai.soul.projections.search.LuceneConversationSearch;
import com.mongodb.client.MongoDatabase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class ProjectionConfiguration {

    @Bean
    ProjectionOffsets projectionOffsets(MongoDatabase readModels) {
        return new ProjectionOffsets(readModels);
    }

    @Bean
    ParkedEvents parkedEvents(MongoDatabase readModels) {
        return new ParkedEvents(readModels);
    }

    // ---- the read models in MongoDB ----

    /**
     * The projectors the read-model runner applies, the ones a client waits for after its writes: every
     * projector bean (they are components of projections) but the usage counters, which run beside them.
     */
    private static List<Projector> readModels(List<Projector> projectors) {
        return projectors.stream().filter(projector -> !(projector instanceof UsageProjector)).toList();
    }

    /** primary: the read models' progress is the one tests and tools look up by type; the search's goes by name */
    @Bean
    @Primary
    ProjectionProgress readModelsProgress() {
        return new ProjectionProgress();
    }

    @Bean
    ProjectionRunner readModelsRunner(List<Projector> projectors, ProjectionOffsets offsets, CloudEventCodec codec, ReadYourWrites readYourWrites,
                                      ProjectionProgress readModelsProgress, @Value(ProjectionRunner.GROUP) String group,
                                      @Value("${soul.projections.offsets-load-timeout:60s}") Duration offsetsLoadTimeout,
                                      ParkedEvents parked) {
        readModels(projectors).forEach(Projector::prepare);
        return new ProjectionRunner(ProjectionRunner.READ_MODELS, group,
                new ReadModels(readModels(projectors), offsets, group), codec,
                events -> events.forEach(event -> readYourWrites.applied(event.subject(), event.sequence())),
                readModelsProgress, offsetsLoadTimeout, parked);
    }

    @Bean
    ProjectionRebuilder readModelsRebuilder(List<Projector> projectors, ProjectionOffsets offsets, ProjectionProgress readModelsProgress,
                                            KafkaListenerEndpointRegistry registry, KafkaAdmin kafkaAdmin,
                                            @Value("${soul.kafka.topic}") String topic, @Value(ProjectionRunner.GROUP) String group,
                                            @Qualifier("readModelsRunner") ProjectionRunner runner) {
        return new ProjectionRebuilder(ProjectionRunner.READ_MODELS,
                new ReadModels(readModels(projectors), offsets, group), readModelsProgress, registry, kafkaAdmin, topic, runner::forgetParked);
    }

    // ---- the usage counters from the events: in MongoDB too, but in a group of their own ----

    static final String USAGE = "usage-events";

    /**
     * Nobody waits for a usage figure the way a writer waits to read its write back, so counting runs
     * beside the read models rather than in their batches, where its writes would add to every write's lag.
     */
    @Bean
    ProjectionProgress usageProgress() {
        return new ProjectionProgress();
    }

    @Bean
    ProjectionRunner usageRunner(UsageProjector usage, ProjectionOffsets offsets, CloudEventCodec codec,
                                 @Qualifier("usageProgress") ProjectionProgress usageProgress,
                                 @Value("${soul.usage.events-group:usage-events}") String group,
                                 @Value("${soul.projections.offsets-load-timeout:60s}") Duration offsetsLoadTimeout,
                                 ParkedEvents parked) {
        usage.prepare();
        return new ProjectionRunner(USAGE, group, new ReadModels(List.of(usage), offsets, group), codec, events -> BackgroundThreads.lowerThisThread(), usageProgress,
                offsetsLoadTimeout, parked);
    }

    @Bean
    ProjectionRebuilder usageRebuilder(UsageProjector usage, ProjectionOffsets offsets, @Qualifier("usageProgress") ProjectionProgress usageProgress,
                                       KafkaListenerEndpointRegistry registry, KafkaAdmin kafkaAdmin,
                                       @Value("${soul.kafka.topic}") String topic, @Value("${soul.usage.events-group:usage-events}") String group,
                                       @Qualifier("usageRunner") ProjectionRunner runner) {
        return new ProjectionRebuilder(USAGE, new ReadModels(List.of(usage), offsets, group), usageProgress, registry, kafkaAdmin, topic,
                runner::forgetParked);
    }

    // ---- the search index, a local Lucene index under the data directory ----

    static final String SEARCH = "search";

    @Bean(destroyMethod = "close")
    LuceneConversationSearch conversationSearch(@Value("${soul.search.directory}") Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the search index directory " + directory, e);
        }
        return new LuceneConversationSearch(directory);
    }

    @Bean
    ProjectionProgress searchProgress() {
        return new ProjectionProgress();
    }

    @Bean
    ProjectionRunner searchRunner(ConversationSearch search, CloudEventCodec codec,
                                  @Qualifier("searchProgress") ProjectionProgress searchProgress,
                                  @Value("${soul.search.group:search}") String group,
                                  @Value("${soul.projections.offsets-load-timeout:60s}") Duration offsetsLoadTimeout,
                                  ParkedEvents parked) {
        // nobody's request waits on the index: its thread gives requests the CPU first
        return new ProjectionRunner(SEARCH, group, search, codec, events -> BackgroundThreads.lowerThisThread(), searchProgress,
                offsetsLoadTimeout, parked);
    }

    @Bean
    ProjectionRebuilder searchRebuilder(ConversationSearch search, @Qualifier("searchProgress") ProjectionProgress searchProgress,
                                        KafkaListenerEndpointRegistry registry, KafkaAdmin kafkaAdmin,
                                        @Value("${soul.kafka.topic}") String topic, @Qualifier("searchRunner") ProjectionRunner runner) {
        return new ProjectionRebuilder(SEARCH, search, searchProgress, registry, kafkaAdmin, topic, runner::forgetParked);
    }

    /**
     * Short fetch waits keep the write-to-read lag low; a batch that fails because the store does not
     * answer is retried with backoff for as long as it takes, never skipped, because a read model must
     * not miss an event (a record that cannot be applied is parked by the runner, not retried here). Where a
     * partition is read from is decided by {@link ProjectionRunner} from the offsets stored with the
     * projection; the offsets committed to Kafka only show the lag. Both runners use it, each with its own group.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> projectionContainerFactory(
            KafkaProperties kafka, @Value("${soul.projections.instance-id}") String instanceId) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        // static membership: a restarted instance takes its partitions back at once, even after a crash
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config));
        factory.setBatchListener(true);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.getContainerProperties().setPollTimeout(50);
        ExponentialBackOff backOff = new ExponentialBackOff(100, 2);
        backOff.setMaxInterval(10_000);
        factory.setCommonErrorHandler(new DefaultErrorHandler(backOff));
        return factory;
    }
}
