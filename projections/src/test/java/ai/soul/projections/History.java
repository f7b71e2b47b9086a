package ai.soul.projections;

import ai.soul.schemas.Events;
import ai.soul.schemas.PublishedEvent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An event log as the projectors get it: events in log order, each with its subject (the
 * aggregate id), its position within that subject from 0, and a time that only moves forward,
 * with millisecond precision like every timestamp on the wire.
 */
public final class History {

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final Map<String, Long> sequences = new HashMap<>();
    private final List<PublishedEvent<?>> events = new ArrayList<>();
    private Instant clock;

    public History(Instant start) {
        this.clock = start.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Appends the next event of a subject, a little more than a second after the previous event. */
    public <T> PublishedEvent<T> add(String subject, T data) {
        long sequence = sequences.merge(subject, 0L, (last, zero) -> last + 1);
        clock = clock.plusMillis(1_000 + (events.size() * 337L) % 900);
        PublishedEvent<T> event = new PublishedEvent<>(ulid("evt", clock, events.size()), Events.typeOf(data.getClass()),
                subject, sequence, clock, data);
        events.add(event);
        return event;
    }

    public List<PublishedEvent<?>> events() {
        return List.copyOf(events);
    }

    /** The log cut into batches of {@code size} (the last one may be shorter). */
    public static List<List<PublishedEvent<?>>> batches(List<PublishedEvent<?>> events, int size) {
        List<List<PublishedEvent<?>>> batches = new ArrayList<>();
        for (int from = 0; from < events.size(); from += size) {
            batches.add(events.subList(from, Math.min(events.size(), from + size)));
        }
        return batches;
    }

    /** The log cut into batches of random sizes between 1 and 6. */
    public static List<List<PublishedEvent<?>>> randomBatches(List<PublishedEvent<?>> events, Random random) {
        List<List<PublishedEvent<?>>> batches = new ArrayList<>();
        int from = 0;
        while (from < events.size()) {
            int to = Math.min(events.size(), from + 1 + random.nextInt(6));
            batches.add(events.subList(from, to));
            from = to;
        }
        return batches;
    }

    /** A projector as the runtime starts it: its indexes (and migrations) made, as {@link Projector#prepare} does once. */
    public static <P extends Projector> P prepared(P projector) {
        projector.prepare();
        return projector;
    }

    public static void applyAll(Projector projector, List<List<PublishedEvent<?>>> batches) {
        batches.forEach(batch -> projector.apply(List.copyOf(batch)));
    }

    /** A ULID-shaped id: prefix, '_', 10 characters of time and 16 of (here seeded) randomness, Crockford base32. */
    public static String ulid(String prefix, Instant at, long seed) {
        Random random = new Random(seed);
        StringBuilder id = new StringBuilder(prefix).append('_');
        long millis = at.toEpochMilli();
        for (int shift = 45; shift >= 0; shift -= 5) {
            id.append(CROCKFORD[(int) ((millis >>> shift) & 31)]);
        }
        for (int i = 0; i < 16; i++) {
            id.append(CROCKFORD[random.nextInt(32)]);
        }
        return id.toString();
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
