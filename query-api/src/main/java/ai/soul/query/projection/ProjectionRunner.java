package ai.soul.query.projection;

import ai.soul.platform.consistency.ReadYourWrites;
import ai.soul.platform.events.CloudEventCodec;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Feeds the read models from the topic: a batch of records at a time, every projector in turn,
 * and only then are the offsets committed (at least once; the projectors make a repeat harmless).
 */
@Component
class ProjectionRunner {

    private final List<Projector> projectors;
    private final CloudEventCodec codec;
    private final ReadYourWrites readYourWrites;

    ProjectionRunner(List<Projector> projectors, CloudEventCodec codec, ReadYourWrites readYourWrites) {
        this.projectors = projectors;
        this.codec = codec;
        this.readYourWrites = readYourWrites;
    }

    @KafkaListener(id = "read-models", groupId = "${soul.projections.group:read-models}", topics = "${soul.kafka.topic}",
            batch = "true", containerFactory = "projectionContainerFactory")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        List<PublishedEvent<?>> events = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
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
    }
}
