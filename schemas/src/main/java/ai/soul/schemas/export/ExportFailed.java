package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/** The export could not be written; {@code reason} says why, in words a client may read. */
@EventType("soul.export.failed.v1")
public record ExportFailed(String exportId, String accountId, String reason) implements ExportEvent {
}
