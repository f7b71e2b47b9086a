package ai.soul.projections;

/** Where a page starts, in long arithmetic: {@code page=2147483647} is far past the end, not page 1 by overflow. */
public final class Paging {

    private Paging() {
    }

    /** The number of items before page {@code page} (from 1) of {@code perPage}, at most {@link Integer#MAX_VALUE}. */
    public static int skip(int page, int perPage) {
        return (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * perPage);
    }
}
