package ai.soul.query.projection;

import ai.soul.projections.LogProjection;
import ai.soul.projections.ProjectionOffsets;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The MongoDB read models as one projection of the log: every projector in turn, then the offsets
 * reached, stored in MongoDB after the writes they cover ({@link ProjectionOffsets}).
 */
class ReadModels implements LogProjection {

    private static final Logger log = LoggerFactory.getLogger(ReadModels.class);

    private final List<Projector> projectors;
    private final ProjectionOffsets offsets;
    private final String group;

    ReadModels(List<Projector> projectors, ProjectionOffsets offsets, String group) {
        this.projectors = projectors;
        this.offsets = offsets;
        this.group = group;
    }

    @Override
    public Map<Integer, Long> offsets(String topic, Collection<Integer> partitions) {
        return offsets.load(group, topic, partitions);
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch, Map<String, Map<Integer, Long>> nextOffsets) {
        for (Projector projector : projectors) {
            projector.apply(batch);
        }
        // after the writes of the records they cover
        nextOffsets.forEach((topic, partitions) -> offsets.store(group, topic, partitions));
    }

    @Override
    public boolean available() {
        return offsets.available();
    }

    /**
     * The offsets go before the read models: a crash in between leaves read models and no offsets,
     * which the next start replays from the beginning (harmless), never reset read models with
     * offsets that claim they are complete.
     */
    @Override
    public void reset() {
        offsets.clear(group);
        for (Projector projector : projectors) {
            try {
                projector.reset();
            } catch (RuntimeException e) {
                log.warn("Reset of {} failed; the replay from the beginning still rebuilds it",
                        projector.getClass().getSimpleName(), e);
            }
        }
    }
}
