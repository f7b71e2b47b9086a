package ai.soul.command.conversation;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@code Prefer: wait=N}: waits for an event of one conversation, looking at the event store (the
 * effect may run on another instance) every {@code soul.effects.wait-poll}, reading only the
 * events after the last one seen. The store, not the read models, so the answer never lags.
 */
@Component
public class EventWait implements AutoCloseable {

    private final EventStore events;
    private final long pollMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "event-wait");
        thread.setDaemon(true);
        return thread;
    });

    EventWait(EventStore events, @Value("${soul.effects.wait-poll:50ms}") Duration poll) {
        this.events = events;
        this.pollMillis = Math.max(1, poll.toMillis());
    }

    /** The first event after {@code afterSequence} that {@code match} maps to something, if one comes within {@code limit}. */
    public <T> Optional<T> first(String aggregateId, long afterSequence, Duration limit, Function<DomainEventMessage<?>, T> match) {
        CompletableFuture<T> found = new CompletableFuture<>();
        long[] next = {afterSequence + 1};
        ScheduledFuture<?> polling = timer.scheduleWithFixedDelay(() -> {
            try {
                for (Iterator<? extends DomainEventMessage<?>> it = events.readEvents(aggregateId, next[0]); it.hasNext(); ) {
                    DomainEventMessage<?> event = it.next();
                    next[0] = event.getSequenceNumber() + 1;
                    T result = match.apply(event);
                    if (result != null) {
                        found.complete(result);
                        return;
                    }
                }
            } catch (RuntimeException e) {
                found.completeExceptionally(e);
            }
        }, 0, pollMillis, TimeUnit.MILLISECONDS);
        try {
            return Optional.of(found.get(limit.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Reading the event store failed", e.getCause());
        } finally {
            polling.cancel(false);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
