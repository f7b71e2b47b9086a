package ai.soul.eventstore;

import ai.soul.edge.health.HealthController;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import java.util.Optional;

/**
 * {@code publisher} in health: DEGRADED while the Kafka publisher is failing (it never skips an
 * event, so it retries the same batch) or its lag (events in the store not yet on the topic) is
 * over {@code soul.publisher.lag-alert}; the meter {@code soul.publisher.lag} shows the lag.
 */
public class PublisherHealth extends AbstractHealthIndicator {

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final long lagAlert;

    public PublisherHealth(EventProcessingConfiguration processing, EventStore eventStore, long lagAlert, MeterRegistry meters) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.lagAlert = lagAlert;
        Gauge.builder("soul.publisher.lag", this, PublisherHealth::lagOrZero)
                .description("Events committed to the store and not yet published to Kafka")
                .register(meters);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Optional<TrackingEventProcessor> processor = processing.eventProcessor(KafkaPublisher.GROUP, TrackingEventProcessor.class);
        if (processor.isEmpty()) {
            builder.unknown();
            return;
        }
        boolean failing = processor.get().processingStatus().values().stream().anyMatch(EventTrackerStatus::isErrorState);
        long lag = lag(processor.get());
        builder.status(failing || lag > lagAlert ? new Status(HealthController.DEGRADED) : Status.UP)
                .withDetail("lag", lag)
                .withDetail("failing", failing);
        processor.get().processingStatus().values().stream().filter(EventTrackerStatus::isErrorState).findFirst()
                .map(EventTrackerStatus::getError)
                .ifPresent(error -> builder.withDetail("error", error.getClass().getName()));
    }

    private long lagOrZero() {
        return processing.eventProcessor(KafkaPublisher.GROUP, TrackingEventProcessor.class).map(this::lag).orElse(0L);
    }

    private long lag(TrackingEventProcessor processor) {
        TrackingToken head = eventStore.createHeadToken();
        long headPosition = head == null ? -1 : head.position().orElse(-1);
        long published = processor.processingStatus().values().stream()
                .map(EventTrackerStatus::getCurrentPosition)
                .mapToLong(position -> position.orElse(-1))
                .min().orElse(-1);
        return Math.max(0, headPosition - published);
    }
}
