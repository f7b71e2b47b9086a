package ai.soul.schemas.export;

import ai.soul.schemas.EventType;

/** The export's renderer got further: {@code progress} percent (0 to 100) of the work is done. Emitted at most every 10 points. */
@EventType("soul.export.progressed.v1")
public record ExportProgressed(String exportId, String accountId, int progress) implements ExportEvent {
}
