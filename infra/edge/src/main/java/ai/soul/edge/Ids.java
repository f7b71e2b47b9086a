package ai.soul.edge;

import ai.soul.edge.web.ApiException;
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

    /**
     * 404 for an id with this prefix that does not exist (or cannot: it has another shape), in the words every
     * such answer uses: "Conversation conv_… not found". The same body whether the id never existed, was
     * deleted, is another account's or is malformed, so no answer tells them apart.
     */
    public static ApiException notFound(String prefix, String id) {
        return ApiException.notFound(nounOf(prefix) + " " + id + " not found");
    }

    /** 404 for this id, named by its own prefix (an aggregate that does not exist). */
    public static ApiException notFound(String id) {
        return notFound(id == null || id.indexOf('_') < 0 ? "" : id.substring(0, id.indexOf('_')), id);
    }

    /** What an id names, by its prefix, as the API says it. */
    static String nounOf(String prefix) {
        return switch (prefix) {
            case "conv" -> "Conversation";
            case "msg" -> "Message";
            case "summary" -> "Summary";
            case "att" -> "Attachment";
            case "exp" -> "Export";
            case "usr" -> "Account";
            case "key" -> "API key";
            default -> "Resource";
        };
    }

    private static boolean isCrockford(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
    }
}
