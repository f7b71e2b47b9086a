package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/**
 * The account asked for an export of its conversations as json, csv, md or pdf. {@code dateFrom}
 * and {@code dateTo} (ISO dates, inclusive, UTC; either may be null for no bound) select the
 * conversations by creation day; with {@code includeAttachments} the file is zipped with the
 * attachments' bytes.
 */
@EventType("soul.export.requested.v1")
public record ExportRequested(
        String exportId,
        String accountId,
        String format,
        String dateFrom,
        String dateTo,
        boolean includeAttachments) implements ExportEvent {
}
