package ai.soul.command;

import ai.soul.edge.consistency.ReadYourWrites;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Prefer: wait=N} (RFC 7240) for every write whose work finishes later, elsewhere (a reply, a
 * summary, an export): the answer is held until the event that finishes the work is appended to the
 * event store, or N seconds (at most {@code soul.effects.max-wait}) pass.
 * <p>
 * One thread tails the event store from its head and hands each event to the waiters registered for
 * its aggregate. The work may finish on another instance, so the tail reads the store, not this
 * instance's event bus: Axon's embedded store shares its reads with the tracking processors, hands an
 * event appended here over at once and finds another instance's within its fetch delay. A waiter
 * also reads its aggregate's events once when it starts, for an outcome appended before it was
 * registered. At most {@code soul.effects.max-waiters} requests wait at once (each holds a request
 * thread); one more is answered at once, as if its wait had ended, without {@code Preference-Applied}.
 */
@Component
public class PreferWait implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PreferWait.class);
    private static final Pattern WAIT = Pattern.compile("(?:^|[,;\\s])wait\\s*=\\s*(\\d{1,9})(?=$|[,;\\s])");
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final EventStore events;
    private final ReadYourWrites readYourWrites;
    private final Duration maxWait;
    private final int maxWaiters;
    private final Semaphore slots;
    private final Map<String, Set<Waiter<?>>> waiters = new ConcurrentHashMap<>();
    private volatile Thread tail;
    /** Set once the tail has its starting point: a waiter registered after that misses no event. */
    private volatile boolean tailing;

    PreferWait(EventStore events, ReadYourWrites readYourWrites, @Value("${soul.effects.max-wait:60s}") Duration maxWait,
               @Value("${soul.effects.max-waiters:100}") int maxWaiters) {
        this.events = events;
        this.readYourWrites = readYourWrites;
        this.maxWait = maxWait;
        this.maxWaiters = maxWaiters;
        this.slots = new Semaphore(maxWaiters);
    }

    /** What a wait came to: the outcome if it came in time, and the wait applied, if one was. */
    public record Waited<T>(Optional<T> outcome, Duration applied) {

        /** {@code Preference-Applied} when the wait was honoured; nothing when none was asked for or it was declined. */
        public HttpHeaders headers() {
            HttpHeaders headers = new HttpHeaders();
            if (applied != null) {
                headers.set("Preference-Applied", "wait=" + applied.toSeconds());
            }
            return headers;
        }
    }

    /**
     * The first event of {@code aggregateId} after {@code afterSequence} that {@code outcome} maps to
     * something, if the {@code Prefer} header asks to wait for it and it comes in time. {@code outcome}
     * may run on the tail's thread, without the request. The {@code reader} has then seen that event:
     * its next read waits until the read models have it too.
     */
    public <T> Waited<T> await(String prefer, String aggregateId, long afterSequence, String reader,
                               Function<DomainEventMessage<?>, T> outcome) {
        Optional<Duration> asked = preferred(prefer);
        if (asked.isEmpty()) {
            return new Waited<>(Optional.empty(), null);
        }
        if (!tailing || !slots.tryAcquire()) {
            return new Waited<>(Optional.empty(), null);
        }
        Waiter<T> waiter = new Waiter<>(afterSequence, outcome);
        try {
            waiters.compute(aggregateId, (id, registered) -> {
                Set<Waiter<?>> set = registered == null ? ConcurrentHashMap.newKeySet() : registered;
                set.add(waiter);
                return set;
            });
            catchUp(aggregateId, waiter);
            Optional<Found<T>> found = waiter.await(asked.get());
            found.ifPresent(f -> readYourWrites.begin(aggregateId, reader).acknowledged(f.sequence()));
            return new Waited<>(found.map(Found::value), asked.get());
        } finally {
            waiters.computeIfPresent(aggregateId, (id, set) -> {
                set.remove(waiter);
                return set.isEmpty() ? null : set;
            });
            slots.release();
        }
    }

    /** {@code wait=N} of a Prefer header, capped; none without one (or with a malformed one, which RFC 7240 says to ignore). */
    Optional<Duration> preferred(String prefer) {
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

    /** The events appended before the waiter was registered, which the tail may have passed already. */
    private void catchUp(String aggregateId, Waiter<?> waiter) {
        try {
            DomainEventStream stream = events.readEvents(aggregateId, waiter.after + 1);
            while (stream.hasNext() && !waiter.found.isDone()) {
                waiter.offer(stream.next());
            }
        } catch (RuntimeException e) {
            // the tail still hands over what comes next
            log.warn("Reading the events of a waited-for aggregate failed ({}); waiting for new ones", e.toString());
        }
    }

    private void run() {
        TrackingToken position = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (position == null) {
                    position = events.createHeadToken();
                    tailing = true;
                }
                try (BlockingStream<TrackedEventMessage<?>> stream = events.openStream(position)) {
                    while (!Thread.currentThread().isInterrupted()) {
                        TrackedEventMessage<?> event = stream.nextAvailable();
                        position = event.trackingToken();
                        if (event instanceof DomainEventMessage<?> domain) {
                            Set<Waiter<?>> set = waiters.get(domain.getAggregateIdentifier());
                            if (set != null) {
                                set.forEach(waiter -> waiter.offer(domain));
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Reading the event store for waiting requests failed ({}); trying again in {}", e, RETRY);
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        Thread thread = new Thread(this::run, "prefer-wait");
        thread.setDaemon(true);
        tail = thread;
        thread.start();
    }

    /** Requests still waiting are answered at once, as if their wait had ended. */
    @Override
    public void stop() {
        Thread thread = tail;
        tail = null;
        tailing = false;
        if (thread != null) {
            thread.interrupt();
        }
        waiters.values().forEach(set -> set.forEach(Waiter::end));
    }

    @Override
    public boolean isRunning() {
        return tail != null;
    }

    /** For tests: whether waits are taken (the tail has its starting point). */
    boolean tailing() {
        return tailing;
    }

    /** For tests: how many requests wait now. */
    int waiting() {
        return maxWaiters - slots.availablePermits();
    }

    private record Found<T>(T value, long sequence) {
    }

    private static final class Waiter<T> {
        final long after;
        final Function<DomainEventMessage<?>, T> outcome;
        final CompletableFuture<Found<T>> found = new CompletableFuture<>();

        Waiter(long after, Function<DomainEventMessage<?>, T> outcome) {
            this.after = after;
            this.outcome = outcome;
        }

        void offer(DomainEventMessage<?> event) {
            if (found.isDone() || event.getSequenceNumber() <= after) {
                return;
            }
            try {
                T value = outcome.apply(event);
                if (value != null) {
                    found.complete(new Found<>(value, event.getSequenceNumber()));
                }
            } catch (RuntimeException e) {
                found.completeExceptionally(e);
            }
        }

        void end() {
            found.complete(null);
        }

        Optional<Found<T>> await(Duration limit) {
            try {
                return Optional.ofNullable(found.get(limit.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException e) {
                throw new IllegalStateException("Reading a waited-for event failed", e.getCause());
            }
        }
    }
}
