package ai.soul.query.usage;

import ai.soul.edge.events.EventJson;
import ai.soul.schemas.usage.MeteredRequest;
import ai.soul.projections.usage.RequestCounters;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the metered requests of the usage topic into the daily counters, a batch at a time, with a
 * consumer group of its own ({@code soul.usage.group}, one for all query-api instances: the counters
 * are shared). A failing batch is retried (the container's backoff); a record that cannot be read is
 * skipped, as it could never be counted.
 */
@Component
class UsageConsumer {

    private static final Logger log = LoggerFactory.getLogger(UsageConsumer.class);

    private final RequestCounters counters;
    private final ObjectMapper json = EventJson.mapper();

    UsageConsumer(MongoDatabase readModels) {
        this.counters = new RequestCounters(readModels);
    }

    @KafkaListener(id = "usage", groupId = "${soul.usage.group}", topics = "${soul.usage.topic}", batch = "true",
            containerFactory = "projectionContainerFactory")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        List<RequestCounters.Positioned> batch = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                batch.add(new RequestCounters.Positioned(record.partition(), record.offset(), json.readValue(record.value(), MeteredRequest.class)));
            } catch (IOException | RuntimeException e) {
                log.warn("Skipping unreadable usage record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            }
        }
        counters.count(batch);
    }
}
