package ai.soul.eventstore;

import ai.soul.domain.EventTooLarge;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.serialization.Serializer;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Refuses, inside the command that applies it, an event whose serialized payload is over the
 * limit, so that nothing reaches the store that the publisher could not put on the topic: the
 * publisher never skips an event, so one it cannot send would hold back every event after it.
 * The limit stays well below Kafka's record size ({@code max.request.size}, 1 MiB by default).
 */
public class EventSizeLimit implements MessageDispatchInterceptor<EventMessage<?>> {

    private final Serializer serializer;
    private final int maxBytes;

    public EventSizeLimit(Serializer eventSerializer, int maxBytes) {
        this.serializer = eventSerializer;
        this.maxBytes = maxBytes;
    }

    @Override
    public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
        return (index, event) -> {
            int bytes = serializer.serialize(event.getPayload(), byte[].class).getData().length;
            if (bytes > maxBytes) {
                throw new EventTooLarge(event.getPayloadType().getSimpleName(), bytes, maxBytes);
            }
            return event;
        };
    }
}
