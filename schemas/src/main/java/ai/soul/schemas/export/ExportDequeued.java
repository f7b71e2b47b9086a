package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/** The export left its account's open exports: it completed, failed or was deleted. */
@EventType("soul.export.dequeued.v1")
public record ExportDequeued(String accountId, String exportId) implements ExportEvent {
}
