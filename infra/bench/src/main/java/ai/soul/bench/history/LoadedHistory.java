package ai.soul.bench.history;

import java.time.Duration;

/** What {@link HistoryLoader#load} wrote: events appended, conversations they form, and the wall time it took. */
public record LoadedHistory(long events, int conversations, Duration took) {
}
