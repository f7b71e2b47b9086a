package ai.soul.eventstore;

import ai.soul.edge.events.CloudEventCodec;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts every committed event on the Kafka topic, at least once. A tracking processor reads the
 * event store in batches; each event is sent without waiting, and the last event of a batch waits
 * for all acknowledgements, so the processor's token only moves past events Kafka has. (Waiting
 * for each record in turn, as axon-kafka's publisher does, caps the rate at one round trip each.)
 */
@ProcessingGroup(KafkaPublisher.GROUP)
public class KafkaPublisher {

    public static final String GROUP = "kafka-publisher";
    private static final String SENDS = KafkaPublisher.class.getName() + ".sends";

    private final Producer<String, byte[]> producer;
    private final CloudEventCodec codec;
    private final String topic;
    private final CommitDurability durability;

    public KafkaPublisher(Producer<String, byte[]> producer, CloudEventCodec codec, String topic, CommitDurability durability) {
        this.producer = producer;
        this.codec = codec;
        this.topic = topic;
        this.durability = durability;
    }

    @EventHandler
    void publish(Object payload, EventMessage<?> event, UnitOfWork<?> unitOfWork) throws Exception {
        if (!(event instanceof DomainEventMessage<?> domainEvent)) {
            return; // only aggregates' events are part of the contract
        }
        if (!(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isFirstMessage()) {
            // a committed event may not be in the store's file yet; one lost in a crash must not be on the topic
            durability.awaitDurable();
        }
        String subject = domainEvent.getAggregateIdentifier();
        byte[] value = codec.encode(event.getIdentifier(), subject, domainEvent.getSequenceNumber(), event.getTimestamp(), payload);
        var record = new ProducerRecord<>(topic, null, event.getTimestamp().toEpochMilli(), subject, value,
                List.of(new RecordHeader("content-type", CloudEventCodec.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8))));
        List<Future<RecordMetadata>> sends = unitOfWork.root().getOrComputeResource(SENDS, key -> new ArrayList<>());
        sends.add(producer.send(record));
        if (!(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage()) {
            awaitAll(sends);
        }
    }

    private static void awaitAll(List<Future<RecordMetadata>> sends) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(2, TimeUnit.MINUTES);
            }
        } finally {
            sends.clear();
        }
    }
}
