package ai.soul.domain.export;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

public final class ExportCommands {

    private ExportCommands() {
    }

    /**
     * Asks for an export of the account's conversations. {@code dateFrom}/{@code dateTo} are ISO days
     * (inclusive, UTC) or null for no bound; they arrive as the client wrote them and the aggregate checks them.
     */
    public record RequestExport(@TargetAggregateIdentifier String exportId, String accountId, String format, String dateFrom,
                                String dateTo, boolean includeAttachments) {
    }

    /** The renderer got to {@code progress} percent. */
    public record RecordExportProgress(@TargetAggregateIdentifier String exportId, int progress) {
    }

    /** The renderer stored the file; it is kept until {@code expiresAt}. */
    public record CompleteExport(@TargetAggregateIdentifier String exportId, String fileId, String fileName, String contentType,
                                 long sizeBytes, int conversations, Instant expiresAt) {
    }

    /** The export could not be written (the renderer failed, or it took longer than allowed). */
    public record FailExport(@TargetAggregateIdentifier String exportId, String reason) {
    }

    /** The completed export reached its expiry: its file goes. */
    public record ExpireExport(@TargetAggregateIdentifier String exportId) {
    }
}
