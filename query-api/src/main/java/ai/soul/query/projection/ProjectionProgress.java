package ai.soul.query.projection;

import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a projection has done: the records the runner has applied since this process started, and
 * the last rebuild, which is finished once every partition's stored offset has reached the end
 * offset the partition had when the rebuild started.
 */
class ProjectionProgress {

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private volatile Rebuild rebuild;

    /** A rebuild: its start, the end offsets it must reach, and how far it got. */
    private static final class Rebuild {
        final Instant startedAt;
        final long startedNanos;
        final long targetEvents;
        /** the partitions with records to replay, by the offset the rebuild must reach */
        final Map<TopicPartition, Long> ends;
        final Map<TopicPartition, Long> reached = new HashMap<>();
        long applied;
        Instant finishedAt;
        long finishedNanos;

        Rebuild(Instant startedAt, long startedNanos, long targetEvents, Map<TopicPartition, Long> ends) {
            this.startedAt = startedAt;
            this.startedNanos = startedNanos;
            this.targetEvents = targetEvents;
            this.ends = ends;
        }

        boolean done() {
            return ends.entrySet().stream().allMatch(end -> reached.getOrDefault(end.getKey(), -1L) >= end.getValue());
        }
    }

    /** The log as it was when a rebuild started: per partition, its first offset and the offset after its last record. */
    record Range(long beginning, long end) {
    }

    /** Called while the listener is stopped, after the stored offsets are gone and before it starts again. */
    synchronized void rebuildStarted(Instant at, Map<TopicPartition, Range> log) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        long target = 0;
        for (Map.Entry<TopicPartition, Range> partition : log.entrySet()) {
            Range range = partition.getValue();
            if (range.end() > range.beginning()) {
                ends.put(partition.getKey(), range.end());
                target += range.end() - range.beginning();
            }
        }
        Rebuild started = new Rebuild(at, System.nanoTime(), target, ends);
        finishIfDone(started);
        rebuild = started;
    }

    /** A batch of {@code records} was applied and its offsets stored: {@code nextOffsets} are the stored ones. */
    void batchApplied(int records, Map<TopicPartition, Long> nextOffsets) {
        applied.addAndGet(records);
        Rebuild running = rebuild;
        if (running != null && running.finishedAt == null) {
            synchronized (this) {
                if (running.finishedAt == null) {
                    running.applied += records;
                    nextOffsets.forEach((partition, next) -> running.reached.merge(partition, next, Math::max));
                    finishIfDone(running);
                }
            }
        }
    }

    private static void finishIfDone(Rebuild rebuild) {
        if (rebuild.done()) {
            rebuild.finishedNanos = System.nanoTime();
            rebuild.finishedAt = Instant.now();
        }
    }

    boolean rebuilding() {
        Rebuild running = rebuild;
        return running != null && running.finishedAt == null;
    }

    long applied() {
        return applied.get();
    }

    /** The records parked now ({@link ProjectionRunner}). */
    void parkedNow(long count) {
        parked.set(count);
    }

    void parkedAdded() {
        parked.incrementAndGet();
    }

    long parked() {
        return parked.get();
    }

    /**
     * {@code {state: live|rebuilding, events_applied, parked_events, rebuild: null | {started_at, finished_at,
     * target_events, events_applied, events_per_s}}}; events_per_s is the rebuild's events over the
     * time it has taken so far, or took.
     */
    synchronized Map<String, Object> status() {
        Rebuild last = rebuild;
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", last != null && last.finishedAt == null ? "rebuilding" : "live");
        status.put("events_applied", applied.get());
        status.put("parked_events", parked.get());
        if (last == null) {
            status.put("rebuild", null);
            return status;
        }
        long until = last.finishedAt != null ? last.finishedNanos : System.nanoTime();
        double seconds = (until - last.startedNanos) / 1e9;
        Map<String, Object> rebuild = new LinkedHashMap<>();
        rebuild.put("started_at", last.startedAt.toString());
        rebuild.put("finished_at", last.finishedAt == null ? null : last.finishedAt.toString());
        rebuild.put("target_events", last.targetEvents);
        rebuild.put("events_applied", last.applied);
        rebuild.put("events_per_s", seconds <= 0 ? 0.0 : Math.round(last.applied / seconds * 10) / 10.0);
        status.put("rebuild", rebuild);
        return status;
    }
}
