package ai.soul.domain;

import ai.soul.schemas.Refusal;

import java.util.Map;

/**
 * A command would record an event larger than every consumer can carry (a Kafka record, a BSON
 * document): it is refused as a whole, nothing recorded.
 */
public class EventTooLarge extends RuntimeException implements Refusal {

    private final long bytes;
    private final long limit;

    public EventTooLarge(String type, long bytes, long limit) {
        super("The change would record a " + type + " event of " + bytes + " bytes; at most " + limit + " are allowed");
        this.bytes = bytes;
        this.limit = limit;
    }

    public long bytes() {
        return bytes;
    }

    public long limit() {
        return limit;
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String code() {
        return "payload_too_large";
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("event_bytes", bytes, "limit_bytes", limit);
    }
}
