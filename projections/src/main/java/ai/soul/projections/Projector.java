package ai.soul.projections;

import ai.soul.schemas.PublishedEvent;

import java.util.List;

/**
 * Builds read models from the event log. {@link #apply} gets the log in order, in batches, and may
 * see an event again after a crash or a replay: applying it twice must change nothing.
 */
public interface Projector {

    void apply(List<PublishedEvent<?>> batch);

    /** Forgets everything this projector has built, so the log can be replayed into it. */
    void reset();
}
