package ai.soul.edge.consistency;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Read-your-writes for a client of this process. A write registers the aggregate it changes before
 * the command is sent ({@link #begin}) and the sequence number it produced once it is acknowledged
 * ({@link Write#acknowledged}); the projector reports each event it has applied ({@link #applied}).
 * A read by the same reader waits until every write it was told about is in the read models, up to
 * a timeout, after which it is served as it stands. Only writes in flight or not yet projected are
 * held, so the memory used is bounded by the projection lag, not by the history.
 */
public class ReadYourWrites {

    private static final Logger log = LoggerFactory.getLogger(ReadYourWrites.class);

    private final Duration timeout;
    private final Map<String, Entry> byAggregate = new ConcurrentHashMap<>();
    private final Map<String, Set<Entry>> byReader = new HashMap<>();
    private int waiting;

    public ReadYourWrites(Duration timeout) {
        this.timeout = timeout;
    }

    /** The reader that looks an API key up, so a key can be used the moment it is issued. */
    public static String keyReader(String keyHash) {
        return "key:" + keyHash;
    }

    /** The reader that looks an account's tier up, so a tier change applies from the next request. */
    public static String tierReader(String accountId) {
        return "tier:" + accountId;
    }

    /**
     * Makes a write ({@code send}: a command sent and waited for, or a process of several) that changes
     * {@code aggregateId}, registered for the {@code readers}: they see its result, whose sequence
     * number {@code version} tells, in their next read. A write that fails is abandoned.
     */
    public <R> R write(String aggregateId, Supplier<R> send, ToLongFunction<R> version, String... readers) {
        Write write = begin(aggregateId, readers);
        try {
            R result = send.get();
            write.acknowledged(version.applyAsLong(result));
            return result;
        } catch (RuntimeException e) {
            write.abandon();
            throw e;
        }
    }

    public synchronized Write begin(String aggregateId, String... readers) {
        Entry entry = byAggregate.computeIfAbsent(aggregateId, Entry::new);
        entry.inFlight++;
        for (String reader : readers) {
            entry.readers.add(reader);
            byReader.computeIfAbsent(reader, r -> new HashSet<>()).add(entry);
        }
        return new Write(entry);
    }

    public void applied(String aggregateId, long sequence) {
        if (!byAggregate.containsKey(aggregateId)) {
            return; // nobody waits for it: the common case, without a lock
        }
        synchronized (this) {
            Entry entry = byAggregate.get(aggregateId);
            if (entry != null && sequence > entry.applied) {
                entry.applied = sequence;
                settle(entry);
                notifyAll();
            }
        }
    }

    /**
     * Waits until the writes acknowledged to the reader before this call are in the read models, or
     * the timeout passes. Writes acknowledged while it waits are not waited for: under a steady
     * stream of writes there would always be a newer one, and the read would never be served.
     */
    public synchronized void awaitFor(String reader) {
        Set<Entry> entries = byReader.get(reader);
        if (entries == null) {
            return;
        }
        Map<Entry, Long> targets = new HashMap<>();
        for (Entry entry : entries) {
            if (!entry.satisfied()) targets.put(entry, entry.awaited);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        waiting++;
        try {
            awaitTargets(targets, deadline);
        } finally {
            waiting--;
        }
    }

    /** For tests: whether a read is waiting now. */
    synchronized boolean isWaiting() {
        return waiting > 0;
    }

    private void awaitTargets(Map<Entry, Long> targets, long deadline) {
        while (!targets.isEmpty()) {
            targets.entrySet().removeIf(target -> target.getKey().applied >= target.getValue());
            if (targets.isEmpty()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.warn("Read models did not reach a write within {}; serving the read as it stands", timeout);
                // later reads should not wait again for a projection that is stuck
                Set.copyOf(targets.keySet()).stream().filter(e -> e.inFlight == 0).forEach(this::remove);
                return;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void settle(Entry entry) {
        if (entry.inFlight == 0 && entry.satisfied()) {
            remove(entry);
        }
    }

    private void remove(Entry entry) {
        byAggregate.remove(entry.aggregateId, entry);
        for (String reader : entry.readers) {
            Set<Entry> entries = byReader.get(reader);
            if (entries != null) {
                entries.remove(entry);
                if (entries.isEmpty()) byReader.remove(reader);
            }
        }
    }

    /** One write in flight: acknowledge it with its sequence number, or abandon it when the command failed. */
    public final class Write {
        private final Entry entry;
        private boolean done;

        private Write(Entry entry) {
            this.entry = entry;
        }

        public void acknowledged(long sequence) {
            finish(sequence);
        }

        public void abandon() {
            finish(-1);
        }

        private void finish(long sequence) {
            synchronized (ReadYourWrites.this) {
                if (done) return;
                done = true;
                entry.inFlight--;
                entry.awaited = Math.max(entry.awaited, sequence);
                settle(entry);
            }
        }
    }

    private static final class Entry {
        final String aggregateId;
        final Set<String> readers = new HashSet<>();
        long applied = -1;
        long awaited = -1;
        int inFlight;

        Entry(String aggregateId) {
            this.aggregateId = aggregateId;
        }

        boolean satisfied() {
            return applied >= awaited;
        }
    }
}
