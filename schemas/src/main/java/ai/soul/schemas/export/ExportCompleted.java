package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/**
 * The export's file was written: stored under {@code fileId} (a GridFS file id) as {@code fileName}
 * of {@code contentType}, {@code sizeBytes} long, holding {@code conversations} conversations. It is
 * kept until {@code expiresAt} (an RFC 3339 instant).
 */
@EventType("soul.export.completed.v1")
public record ExportCompleted(
        String exportId,
        String accountId,
        String fileId,
        String fileName,
        String contentType,
        long sizeBytes,
        int conversations,
        String expiresAt) implements ExportEvent {
}
