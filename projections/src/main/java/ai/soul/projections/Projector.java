package ai.soul.projections;

import ai.soul.schemas.PublishedEvent;

import java.util.List;

/**
 * Builds a read model from the event log. {@link #apply} gets the log in order, in batches, and may
 * see an event again after a crash or a replay: applying it twice must change nothing.
 * <p>
 * A projector joins the projection runtime (query-api) by being a bean: a {@code @Component} in its
 * capability's package here, which {@link ReadModelsAutoConfiguration} finds. The runtime groups the
 * projectors by {@link #projection()}; each projection reads the log in a consumer group of its own
 * and gets from the runtime alike its batches, its offsets, its progress, its rebuild and its parked
 * records. Both apps create the beans, only the query side runs them: a constructor keeps references
 * only, and whatever touches a store goes into {@link #prepare()}.
 */
public interface Projector {

    /** The projection of the read models a client reads back after its writes. */
    String READ_MODELS = "read-models";

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

    /**
     * The projection this projector is part of, and its name on the operator endpoints
     * ({@code /actuator/projections/{name}}, {@code /actuator/parked-events/{name}}): the projectors
     * of one projection share its batches (each applies the whole batch, in no set order: a projector
     * never reads another's collections), and a batch's offsets are stored once all of them applied it.
     */
    default String projection() {
        return READ_MODELS;
    }

    /**
     * Whether no request waits for this projection: its thread then yields the CPU to requests, and
     * reads never wait for it. Reads wait (read-your-writes) for the one projection that is not in the
     * background, the read models; the projectors of one projection agree on it.
     */
    default boolean background() {
        return false;
    }

    /**
     * The offsets of a projection whose state lives in this instance only (a local index), kept with that
     * state so the two never disagree; such a projection reads every partition in a consumer group of the
     * instance's own and has this projector alone. Null (the default): the state is shared in MongoDB,
     * and so are the offsets, stored after the writes they cover.
     */
    default OffsetStore localOffsets() {
        return null;
    }
}
