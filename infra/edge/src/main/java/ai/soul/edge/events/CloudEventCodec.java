package ai.soul.edge.events;

import ai.soul.schemas.Events;
import ai.soul.schemas.PublishedEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Events on the Kafka topic are CloudEvents 1.0 in structured JSON mode: one JSON document per
 * record with the attributes and the event record under {@code data}. {@code subject} is the
 * aggregate id (also the record key, so one aggregate's events stay in order) and the extension
 * {@code sequence} is the event's position in that aggregate, which consumers use to apply each
 * event at most once.
 */
public final class CloudEventCodec {

    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private final ObjectMapper json;
    private final String source;

    public CloudEventCodec(ObjectMapper json, String source) {
        this.json = json;
        this.source = source;
    }

    public byte[] encode(String id, String subject, long sequence, Instant time, Object data) {
        ObjectNode event = json.createObjectNode()
                .put("specversion", "1.0")
                .put("id", id)
                .put("source", source)
                .put("type", Events.typeOf(data.getClass()))
                .put("subject", subject)
                .put("time", time.toString())
                .put("datacontenttype", "application/json")
                .put("sequence", sequence);
        event.set("data", json.valueToTree(data));
        try {
            return json.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes a record. An event of a type this version does not know comes back with null data,
     * so a consumer can skip it and still move past it.
     */
    public PublishedEvent<?> decode(byte[] record) {
        try {
            JsonNode event = json.readTree(record);
            String type = event.path("type").asText();
            Class<?> dataClass = Events.classOf(type);
            Object data = dataClass == null ? null : json.treeToValue(event.get("data"), dataClass);
            return new PublishedEvent<>(event.path("id").asText(), type, event.path("subject").asText(),
                    event.path("sequence").asLong(), Instant.parse(event.path("time").asText()), data);
        } catch (IOException e) {
            throw new UncheckedIOException("Not a CloudEvent of this service", e);
        }
    }
}
