package ai.soul.edge;

import com.github.f4b6a3.ulid.UlidCreator;

/**
 * Public identifiers: a type prefix and a monotonic ULID, so ids sort by creation time
 * ({@code conv_01JQ...}). Created at the edge, so a command can be retried with the same id.
 */
public final class Ids {

    private Ids() {
    }

    public static String next(String prefix) {
        return prefix + "_" + UlidCreator.getMonotonicUlid();
    }

    /** When an id was made, to the millisecond (its ULID's time). */
    public static java.time.Instant instantOf(String id) {
        return com.github.f4b6a3.ulid.Ulid.from(id.substring(id.indexOf('_') + 1)).getInstant();
    }

    /** Whether {@code id} has the shape of an id with this prefix; anything else cannot exist. */
    public static boolean looksLike(String prefix, String id) {
        return id != null && id.length() == prefix.length() + 27 && id.startsWith(prefix + "_")
                && id.substring(prefix.length() + 1).chars().allMatch(Ids::isCrockford);
    }

    private static boolean isCrockford(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
    }
}
