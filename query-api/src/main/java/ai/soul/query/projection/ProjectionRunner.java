package ai.soul.query.projection;

import ai.soul.edge.background.BackgroundThreads;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.projections.Failures;
import ai.soul.projections.OffsetStore;
import ai.soul.projections.ParkedEvents;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConsumerSeekAware;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One projection at run time: its projectors fed from the topic in its own consumer group, a batch of
 * records at a time, then the offsets reached stored next to what they built ({@link OffsetStore}:
 * the read models keep them in MongoDB, the search index in its commit), and only then committed to
 * Kafka (at least once; the projectors make a repeat harmless).
 * <p>
 * The stored offsets, not Kafka's, are where reading resumes: on every partition assignment each
 * partition is sought to its stored offset, or to its beginning when none is stored. Kafka's
 * committed offsets can be ahead of the projection (the embedded MongoDB server persists about
 * once a second, so a crash can lose the last writes); they are kept for monitoring the lag.
 * <p>
 * A record the projection cannot apply never stops it: when a batch fails for a reason other than
 * the infrastructure ({@link Failures}), its records are applied one at a time and the one that
 * fails is parked ({@link ParkedEvents}) with its error, and so is every later record of the same
 * subject, which must not be applied out of order; the projection goes on with the rest of the log.
 * An operator lists, retries or discards parked records ({@link ParkedEventsEndpoint}).
 */
class ProjectionRunner implements BatchMessageListener<String, byte[]>, ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRunner.class);

    private final String name;
    private final String group;
    private final List<Projector> projectors;
    private final OffsetStore offsets;
    private final boolean background;
    private final CloudEventCodec codec;
    private final Consumer<List<PublishedEvent<?>>> afterApply;
    private final ProjectionProgress progress = new ProjectionProgress();
    private final Duration offsetsLoadTimeout;
    private final ParkedEvents parked;
    /** Batches, retries and discards of parked records take turns: each sees the subjects the last one left parked. */
    private final Object lock = new Object();
    /** The subjects with parked records; loaded at the first batch, then kept up to date here. */
    private Set<String> parkedSubjects;

    /**
     * @param afterApply told of each batch once it is applied and its offsets stored (parked records
     *                   included), and of each parked record applied on a retry
     */
    ProjectionRunner(String name, String group, List<Projector> projectors, OffsetStore offsets, boolean background,
                     CloudEventCodec codec, Consumer<List<PublishedEvent<?>>> afterApply, Duration offsetsLoadTimeout,
                     ParkedEvents parked) {
        this.name = name;
        this.group = group;
        this.projectors = List.copyOf(projectors);
        this.offsets = offsets;
        this.background = background;
        this.codec = codec;
        this.afterApply = afterApply;
        this.offsetsLoadTimeout = offsetsLoadTimeout;
        this.parked = parked;
    }

    /** The projection's name: on the operator endpoints, in parked records, and the listener's. */
    String name() {
        return name;
    }

    String group() {
        return group;
    }

    ProjectionProgress progress() {
        return progress;
    }

    /** Once, before the first batch. */
    void prepare() {
        projectors.forEach(Projector::prepare);
    }

    /** A record and what it decoded to. */
    private record Entry(ConsumerRecord<String, byte[]> record, PublishedEvent<?> event) {
    }

    @Override
    public void onMessage(List<ConsumerRecord<String, byte[]>> records) {
        if (background) {
            BackgroundThreads.lowerThisThread(); // nobody's request waits on it: requests get the CPU first
        }
        synchronized (lock) {
            Set<String> held = parkedSubjects();
            List<PublishedEvent<?>> handled = new ArrayList<>(records.size());
            List<Entry> entries = new ArrayList<>(records.size());
            Map<TopicPartition, Long> next = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
                PublishedEvent<?> event;
                try {
                    event = codec.decode(record.value());
                } catch (RuntimeException unreadable) {
                    park(new Entry(record, null), unreadable);
                    continue;
                }
                if (event.data() == null) {
                    continue; // a type this version does not know
                }
                handled.add(event);
                if (held.contains(event.subject())) {
                    park(new Entry(record, event), null);
                } else {
                    entries.add(new Entry(record, event));
                }
            }
            List<PublishedEvent<?>> events = entries.stream().<PublishedEvent<?>>map(Entry::event).toList();
            try {
                apply(events);
            } catch (RuntimeException failure) {
                if (Failures.isTransient(failure) || !offsets.available()) {
                    throw failure; // the container tries the batch again after a pause, for as long as it takes
                }
                log.warn("Projection {} could not apply a batch of {} records ({}); applying them one at a time to park what fails",
                        name, events.size(), failure.getClass().getName());
                oneByOne(entries);
            }
            // after the writes of the records they cover
            byTopic(next).forEach(offsets::store);
            afterApply.accept(handled);
            progress.batchApplied(records.size(), next);
        }
    }

    private void apply(List<PublishedEvent<?>> events) {
        for (Projector projector : projectors) {
            projector.apply(events);
        }
    }

    /** Applies each record alone, in order: one that fails is parked, and so is every later record of its subject. */
    private void oneByOne(List<Entry> entries) {
        for (Entry entry : entries) {
            if (parkedSubjects.contains(entry.event().subject())) {
                park(entry, null);
                continue;
            }
            try {
                apply(List.of(entry.event()));
            } catch (RuntimeException failure) {
                if (Failures.isTransient(failure) || !offsets.available()) {
                    throw failure;
                }
                park(entry, failure);
            }
        }
    }

    /** {@code failure} null: parked behind an earlier record of its subject. Never logs the record or the message. */
    private void park(Entry entry, Throwable failure) {
        ConsumerRecord<String, byte[]> record = entry.record();
        PublishedEvent<?> event = entry.event();
        String subject = event != null ? event.subject() : String.valueOf(record.key());
        boolean added = parked.park(name, record.topic(), record.partition(), record.offset(), subject,
                event == null ? -1 : event.sequence(), event == null ? null : event.type(), event == null ? null : event.id(),
                record.value(), failure);
        parkedSubjects.add(subject);
        if (failure != null) {
            log.warn("Projection {} parked record {}/{} ({} {} of {}): {}; the rest of {} waits behind it",
                    name, record.partition(), record.offset(), event == null ? "unreadable record" : event.type(),
                    event == null ? "" : "#" + event.sequence(), subject, failure.getClass().getName(), subject);
        }
        if (added) {
            progress.parkedAdded();
        }
    }

    private Set<String> parkedSubjects() {
        if (parkedSubjects == null) {
            parkedSubjects = new HashSet<>(parked.subjects(name));
            progress.parkedNow(parked.counts().getOrDefault(name, 0L));
        }
        return parkedSubjects;
    }

    /**
     * Applies the parked records of {@code subject} (every subject when null) again, each subject's in
     * its order: a record that goes through leaves the store; one that fails again stays, with the new
     * error, and so does everything after it in its subject.
     * @return how many were applied and how many are still parked
     */
    RetryOutcome retry(String subject) {
        synchronized (lock) {
            parkedSubjects();
            int applied = 0;
            String failedSubject = null;
            for (ParkedEvents.Held held : parked.held(name, subject)) {
                String heldSubject = held.parked().subject();
                if (heldSubject.equals(failedSubject)) {
                    continue;
                }
                try {
                    PublishedEvent<?> event = codec.decode(held.record());
                    if (event.data() != null) {
                        apply(List.of(event));
                        afterApply.accept(List.of(event));
                    }
                    parked.remove(held.parked().id());
                    applied++;
                } catch (RuntimeException failure) {
                    if (Failures.isTransient(failure)) {
                        throw failure;
                    }
                    parked.failedAgain(held.parked().id(), failure);
                    failedSubject = heldSubject;
                }
            }
            return new RetryOutcome(applied, refreshParked());
        }
    }

    record RetryOutcome(int applied, long stillParked) {
    }

    /** Drops a parked record for good: the projection never applies it. Its subject's later records stay parked until retried. */
    boolean discard(String id) {
        synchronized (lock) {
            boolean removed = parked.remove(id);
            refreshParked();
            return removed;
        }
    }

    /**
     * Forgets everything built, the offsets and the parked records (they are in the log, which is
     * replayed from its beginning). The offsets go first: a crash in between leaves read models and no
     * offsets, which the next start replays from the beginning (harmless), never reset read models
     * with offsets that claim they are complete. Called while the listener is stopped.
     */
    void reset() {
        synchronized (lock) {
            offsets.clear();
            for (Projector projector : projectors) {
                try {
                    projector.reset();
                } catch (RuntimeException e) {
                    log.warn("Reset of {} failed; the replay from the beginning still rebuilds it",
                            projector.getClass().getSimpleName(), e);
                }
            }
            parked.clear(name);
            refreshParked();
        }
    }

    private long refreshParked() {
        parkedSubjects = new HashSet<>(parked.subjects(name));
        long count = parked.counts().getOrDefault(name, 0L);
        progress.parkedNow(count);
        return count;
    }

    /** Every partition this consumer gets starts where the projection is: its stored offset, or its beginning. */
    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        synchronized (lock) {
            try {
                parkedSubjects(); // what was parked before this start shows in health from now on
            } catch (RuntimeException storeAway) {
                // loaded with the first batch instead, which waits for the store like every write
            }
        }
        List<TopicPartition> fromStart = new ArrayList<>();
        Map<TopicPartition, Long> resumed = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        byTopic(assignments).forEach((topic, partitions) -> {
            Map<Integer, Long> stored = load(topic, partitions.keySet());
            for (int partition : partitions.keySet()) {
                Long offset = stored.get(partition);
                if (offset == null) {
                    fromStart.add(new TopicPartition(topic, partition));
                } else {
                    callback.seek(topic, partition, offset);
                    resumed.put(new TopicPartition(topic, partition), offset);
                }
            }
        });
        if (!fromStart.isEmpty()) {
            callback.seekToBeginning(fromStart);
        }
        log.info("Projection {} resumes at the stored offsets {}; from the beginning: {}", name, resumed, fromStart);
    }

    /**
     * The stored offsets; while their store does not answer, tries again for a while, then reads the
     * partitions from their beginning, which is always correct (the projectors are idempotent), as
     * Kafka's committed offsets would not be.
     */
    private Map<Integer, Long> load(String topic, Set<Integer> partitions) {
        long deadline = System.nanoTime() + offsetsLoadTimeout.toNanos();
        long pause = 100;
        while (true) {
            try {
                return offsets.load(topic, partitions);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    log.warn("Stored offsets of {} unreadable for {}; reading its partitions {} from the beginning",
                            topic, offsetsLoadTimeout, partitions, e);
                    return Map.of();
                }
                log.warn("Stored offsets of {} unreadable ({}); trying again in {} ms", topic, e.toString(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Map.of();
                }
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    private static <T> Map<String, Map<Integer, T>> byTopic(Map<TopicPartition, T> byPartition) {
        Map<String, Map<Integer, T>> byTopic = new HashMap<>();
        byPartition.forEach((partition, value) ->
                byTopic.computeIfAbsent(partition.topic(), t -> new HashMap<>()).put(partition.partition(), value));
        return byTopic;
    }
}
