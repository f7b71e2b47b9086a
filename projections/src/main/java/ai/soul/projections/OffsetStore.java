package ai.soul.projections;

import java.util.Collection;
import java.util.Map;

/**
 * Where a projection is in the log, kept next to what it built so that the two cannot disagree after a
 * crash: the consumer resumes here, never at Kafka's committed offsets.
 */
public interface OffsetStore {

    /** The next offset to apply of each given partition that has one; a partition without one is read from its beginning. */
    Map<Integer, Long> load(String topic, Collection<Integer> partitions);

    /** Records, no earlier than the writes of the records it covers, that every record before {@code nextOffsets.get(p)} is applied. */
    void store(String topic, Map<Integer, Long> nextOffsets);

    /** Forgets the offsets (a rebuild), so the log is read from its beginning. */
    void clear();

    /**
     * Whether the store answers now. A failure while it does not is the store's, not the record's,
     * so the record is tried again rather than parked.
     */
    default boolean available() {
        return true;
    }
}
