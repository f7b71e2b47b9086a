package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/**
 * The account deleted the export: it is gone from its list, its file ({@code fileId}, null when it had
 * none) is deleted, and a render still running is discarded.
 */
@EventType("soul.export.deleted.v1")
public record ExportDeleted(String exportId, String accountId, String fileId) implements ExportEvent {
}
