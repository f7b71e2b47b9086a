package ai.soul.domain;

/**
 * A command would record an event larger than every consumer can carry (a Kafka record, a BSON
 * document): it is refused as a whole, nothing recorded.
 */
public class EventTooLarge extends RuntimeException {

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
}
