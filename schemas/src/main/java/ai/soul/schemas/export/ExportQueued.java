package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/**
 * The export joined its account's open exports (those waiting for a renderer or being rendered),
 * recorded by the account's export queue, which refuses a request beyond the configured number of open
 * exports. Emitted together with the export's {@link ExportRequested}.
 */
@EventType("soul.export.queued.v1")
public record ExportQueued(String accountId, String exportId) implements ExportEvent {
}
