package ai.soul.schemas.export;

/**
 * An event of an export, {@link #exportId}, of the account {@link #accountId}. The export aggregate's
 * own events have the export as their subject; {@link ExportQueued} and {@link ExportDequeued} are
 * decided by the account's export queue (their subject is the queue).
 */
public sealed interface ExportEvent permits ExportRequested, ExportProgressed, ExportCompleted, ExportFailed, ExportExpired,
        ExportDeleted, ExportQueued, ExportDequeued {

    String exportId();

    String accountId();
}
