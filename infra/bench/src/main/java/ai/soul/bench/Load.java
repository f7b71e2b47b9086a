package ai.soul.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Load generators. {@link #saturate} keeps a fixed number of writes in flight (closed loop) to
 * find the most the system does; {@link #fixedRate} sends at a fixed arrival rate whatever the
 * answers (open loop), and measures every latency from the moment a request was due, so a slow
 * system cannot hide its queueing.
 */
final class Load {

    /** Latencies in microseconds, up to an hour. */
    static Histogram histogram() {
        return new ConcurrentHistogram(TimeUnit.HOURS.toMicros(1), 3);
    }

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    record Saturation(double writesPerS, long ok, long errors, Histogram ack) {
    }

    record OpenLoop(double offeredPerS, double achievedPerS, long ok, long errors, long late, Histogram ack, Histogram lag,
                    Histogram list, Histogram get, Map<String, Long> errorKinds) {
    }

    /** Readers for P4: accounts that do not write during the run, so a read never waits for a write of its own. */
    record Reads(List<Client.Account> accounts, double perSecondEach) {
    }

    private final Client client;
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "bench-callbacks");
        t.setDaemon(true);
        return t;
    });

    Load(Client client) {
        this.client = client;
    }

    Saturation saturate(List<Client.Account> accounts, int concurrency, Duration duration) {
        Histogram ack = histogram();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CompletableFuture<?>[] chains = new CompletableFuture<?>[concurrency];
        for (int i = 0; i < concurrency; i++) {
            Client.Account account = accounts.get(i % accounts.size());
            CompletableFuture<Void> done = new CompletableFuture<>();
            chains[i] = done;
            next(account, end, ack, ok, errors, done);
        }
        CompletableFuture.allOf(chains).orTimeout(duration.toSeconds() + 60, TimeUnit.SECONDS).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Saturation(ok.get() / seconds, ok.get(), errors.get(), ack);
    }

    private void next(Client.Account account, long end, Histogram ack, AtomicLong ok, AtomicLong errors, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        long sent = System.nanoTime();
        client.write(account).whenCompleteAsync((w, failure) -> {
            if (failure == null) {
                ok.incrementAndGet();
                ack.recordValue((System.nanoTime() - sent) / 1000);
            } else {
                errors.incrementAndGet();
            }
            next(account, end, ack, ok, errors, done);
        }, callbacks);
    }

    /**
     * Writes at {@code rate} per second for {@code duration}; with {@code checkVisibility} every
     * acknowledged write is read back through the query API and the time from acknowledgement to
     * visible is recorded. {@code onAck} sees every acknowledged write (the fault tests log them).
     */
    OpenLoop fixedRate(List<Client.Account> writers, double rate, Duration duration, boolean checkVisibility, Reads reads,
                       Consumer<Client.Write> onAck) {
        Histogram ack = histogram();
        Histogram lag = histogram();
        Histogram list = histogram();
        Histogram get = histogram();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        Map<String, Long> errorKinds = new ConcurrentHashMap<>();
        Consumer<Throwable> failed = failure -> {
            errors.incrementAndGet();
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            String kind = cause instanceof Client.Failed f ? "http " + f.status : cause.getClass().getSimpleName();
            errorKinds.merge(kind, 1L, Long::sum);
        };
        Thread readers = null;
        if (reads != null && !reads.accounts().isEmpty()) {
            readers = new Thread(() -> readLoop(reads, duration, list, get, failed), "bench-readers");
            readers.start();
        }
        long start = System.nanoTime();
        long count = (long) (rate * duration.toNanos() / 1e9);
        for (long i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / rate);
            parkUntil(due);
            if (System.nanoTime() - due > 1_000_000) late.incrementAndGet();
            Client.Account account = writers.get((int) (i % writers.size()));
            inFlight.incrementAndGet();
            client.write(account).whenCompleteAsync((w, failure) -> {
                long acked = System.nanoTime();
                if (failure != null) {
                    failed.accept(failure);
                    inFlight.decrementAndGet();
                    return;
                }
                ok.incrementAndGet();
                ack.recordValue((acked - due) / 1000);
                if (onAck != null) onAck.accept(w);
                if (!checkVisibility) {
                    inFlight.decrementAndGet();
                    return;
                }
                client.awaitVisible(account, w, callbacks).whenComplete((v, f) -> {
                    if (f == null) lag.recordValue((System.nanoTime() - acked) / 1000);
                    else failed.accept(f);
                    inFlight.decrementAndGet();
                });
            }, callbacks);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        if (readers != null) {
            try {
                readers.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new OpenLoop(rate, ok.get() / seconds, ok.get(), errors.get() + inFlight.get(), late.get(), ack, lag, list, get,
                Map.copyOf(errorKinds));
    }

    /** P4: list and get at a fixed rate each, open loop, from accounts that are not writing. */
    private void readLoop(Reads reads, Duration duration, Histogram list, Histogram get, Consumer<Throwable> failed) {
        double rate = reads.perSecondEach() * 2;
        long start = System.nanoTime();
        long count = (long) (rate * duration.toNanos() / 1e9);
        for (long i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / rate);
            parkUntil(due);
            Client.Account account = reads.accounts().get(ThreadLocalRandom.current().nextInt(reads.accounts().size()));
            boolean isList = i % 2 == 0;
            String path = isList ? "/v1/conversations?per_page=20" : "/v1/conversations/" + account.any();
            Histogram into = isList ? list : get;
            client.send("GET", path, account.key, null).whenComplete((r, f) -> {
                if (f != null) failed.accept(f);
                else if (!r.ok()) failed.accept(new Client.Failed(r));
                else into.recordValue((System.nanoTime() - due) / 1000);
            });
        }
    }

    private static void parkUntil(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    void close() {
        callbacks.shutdownNow();
    }
}
