package ai.soul.eventstore;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The publisher's processor: one tracking thread over the event store (so the log sees events in
 * commit order), large batches, and failures propagated so a batch Kafka did not take is retried
 * instead of skipped. Kept apart from the bean declarations, which Axon's configurer needs first.
 */
@AutoConfiguration(after = EventStoreAutoConfiguration.class)
public class PublisherConfiguration {

    @Autowired
    void configure(EventProcessingConfigurer processing, @Value("${soul.publisher.batch-size:500}") int batchSize) {
        processing.registerTrackingEventProcessor(KafkaPublisher.GROUP, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(batchSize))
                .registerListenerInvocationErrorHandler(KafkaPublisher.GROUP, c -> PropagatingErrorHandler.instance());
    }
}
