package ai.soul.command.conversation;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@link #preferred} reads the header, capped at {@code soul.effects.max-wait}.
 */
@Component
public class EventWait implements AutoCloseable {

    private final EventStore events;
    private final long pollMillis;
    private final Duration maxWait;
    private static final Pattern WAIT = Pattern.compile("(?:^|[,;\\s])wait\\s*=\\s*(\\d{1,9})(?=$|[,;\\s])");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "event-wait");
        thread.setDaemon(true);
        return thread;
    });

    EventWait(EventStore events, @Value("${soul.effects.wait-poll:50ms}") Duration poll,
              @Value("${soul.effects.max-wait:60s}") Duration maxWait) {
        this.events = events;
        this.pollMillis = Math.max(1, poll.toMillis());
        this.maxWait = maxWait;
    }

    /** {@code wait=N} of a Prefer header, capped; none without one (or with a malformed one, which RFC 7240 says to ignore). */
    public Optional<Duration> preferred(String prefer) {
        if (prefer == null) {
            return Optional.empty();
        }
        Matcher matcher = WAIT.matcher(prefer);
        if (!matcher.find()) {
            return Optional.empty();
        }
        Duration asked = Duration.ofSeconds(Long.parseLong(matcher.group(1)));
        return Optional.of(asked.compareTo(maxWait) > 0 ? maxWait : asked);
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
