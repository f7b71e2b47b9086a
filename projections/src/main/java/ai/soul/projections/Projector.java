package ai.soul.projections;

import ai.soul.schemas.PublishedEvent;

import java.util.List;

/**
 * Builds read models from the event log. {@link #apply} gets the log in order, in batches, and may
 * see an event again after a crash or a replay: applying it twice must change nothing.
 */
public interface Projector {

    void apply(List<PublishedEvent<?>> batch);

    /**
     * Readies what the projector writes (indexes, a migration of an older layout) before the first
     * batch; the runtime calls it once at start. Nothing is done on construction, so a projector is
     * cheap to create wherever its bean is.
     */
    default void prepare() {
    }

    /** Forgets everything this projector has built, so the log can be replayed into it. */
    void reset();
}
