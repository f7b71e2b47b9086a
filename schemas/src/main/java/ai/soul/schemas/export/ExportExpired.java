package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/** A completed export reached its expiry: its file ({@code fileId}) is deleted and it can no longer be downloaded. */
@EventType("soul.export.expired.v1")
public record ExportExpired(String exportId, String accountId, String fileId) implements ExportEvent {
}
