package ai.soul.domain.export;

import java.time.Instant;

/** An export right after it was requested; {@code version} is the sequence number of its last event. */
public record ExportView(String id, String format, Instant createdAt, long version) {
}
