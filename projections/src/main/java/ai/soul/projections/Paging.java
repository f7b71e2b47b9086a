package ai.soul.projections;

import java.util.List;

/** Where a page starts, in long arithmetic: {@code page=2147483647} is far past the end, not page 1 by overflow. */
public final class Paging {

    /** A page of a read model's documents, and how many there are in all. */
    public record Page<T>(List<T> items, long total) {
    }

    private Paging() {
    }

    /** The number of items before page {@code page} (from 1) of {@code perPage}, at most {@link Integer#MAX_VALUE}. */
    public static int skip(int page, int perPage) {
        return (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * perPage);
    }
}
