package ai.soul.projections;

import ai.soul.schemas.PublishedEvent;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A projection that keeps its own place in the log next to what it built, so that the two cannot
 * disagree after a crash: the consumer resumes at {@link #offsets}, never at Kafka's committed ones.
 */
public interface LogProjection {

    /** The next offset to apply of each given partition that has one; a partition without one is read from its beginning. */
    Map<Integer, Long> offsets(String topic, Collection<Integer> partitions);

    /**
     * Applies a batch (in log order, possibly seen before) and records, no earlier than its writes,
     * that every record before {@code nextOffsets.get(topic).get(partition)} is applied.
     */
    void apply(List<PublishedEvent<?>> batch, Map<String, Map<Integer, Long>> nextOffsets);

    /** Forgets everything built and the offsets, so the next assignment replays the log from its beginning. */
    void reset();

    /**
     * Whether the store behind the projection answers now. A failure while it does not is the
     * store's, not the record's, so the record is tried again rather than parked.
     */
    default boolean available() {
        return true;
    }
}
