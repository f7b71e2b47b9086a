package ai.soul.command.export;

import ai.soul.domain.export.ExportEffect;
import ai.soul.edge.background.BackgroundThreads;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The renderer threads: {@code soul.exports.renderers} (default 2) take the exports from one queue per
 * account, first in first out within an account, at most {@code soul.exports.per-account} (default 1)
 * of one account at once, and the accounts in turn: an account that asked for many exports waits for
 * its own, and another account's export starts at the next free thread. In memory only: what a stop
 * loses is still processing in the read model, and the sweeper hands it over again.
 */
@Component
class FairRenderers implements ExportEffect.Renderers, SmartLifecycle {

    private static final System.Logger log = System.getLogger(FairRenderers.class.getName());
    /** How long a stop waits for the renders under way before it leaves them to the next start. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private record Job(String accountId, String exportId, Runnable render) {
    }

    private final int threads;
    private final int perAccount;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Deque<Job>> waiting = new HashMap<>();
    private final Map<String, Integer> running = new HashMap<>();
    /** The accounts with exports waiting, the one whose turn is next first. */
    private final Deque<String> turns = new ArrayDeque<>();
    /** Exports waiting or rendering: a second hand-over of one changes nothing. */
    private final Set<String> known = new HashSet<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopping;

    FairRenderers(@Value("${soul.exports.renderers:2}") int threads, @Value("${soul.exports.per-account:1}") int perAccount) {
        this.threads = Math.max(1, threads);
        this.perAccount = Math.max(1, perAccount);
    }

    @Override
    public void submit(String accountId, String exportId, Runnable render) {
        lock.lock();
        try {
            if (!known.add(exportId)) {
                return;
            }
            waiting.computeIfAbsent(accountId, a -> new ArrayDeque<>()).add(new Job(accountId, exportId, render));
            if (!turns.contains(accountId)) {
                turns.addLast(accountId);
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next export: the oldest of the first account in turn below its limit, which then goes to the back; null once stopping. */
    private Job next() throws InterruptedException {
        lock.lock();
        try {
            while (!stopping) {
                for (Iterator<String> accounts = turns.iterator(); accounts.hasNext(); ) {
                    String account = accounts.next();
                    if (running.getOrDefault(account, 0) < perAccount) {
                        accounts.remove();
                        Deque<Job> queue = waiting.get(account);
                        Job job = queue.poll();
                        if (queue.isEmpty()) {
                            waiting.remove(account);
                        } else {
                            turns.addLast(account);
                        }
                        running.merge(account, 1, Integer::sum);
                        return job;
                    }
                }
                changed.await();
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void done(Job job) {
        lock.lock();
        try {
            running.computeIfPresent(job.accountId(), (account, n) -> n > 1 ? n - 1 : null);
            known.remove(job.exportId());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        try {
            for (Job job; (job = next()) != null; ) {
                try {
                    job.render().run();
                } catch (RuntimeException e) {
                    // still processing: the sweeper hands it over again, or fails it once it is too old
                    log.log(System.Logger.Level.WARNING, "Render of export {0} stopped: {1}", job.exportId(), e.toString());
                } finally {
                    done(job);
                }
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    @Override
    public void start() {
        stopping = false;
        ThreadFactory background = BackgroundThreads.named("export-renderer");
        for (int i = 0; i < threads; i++) {
            Thread worker = background.newThread(this::work);
            workers.add(worker);
            worker.start();
        }
    }

    /** Before Axon and the stores stop (the highest phase stops first): renders under way get a moment to finish. */
    @Override
    public void stop() {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        workers.clear();
    }

    @Override
    public boolean isRunning() {
        return !workers.isEmpty();
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
