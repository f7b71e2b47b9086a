package ai.soul.domain.export;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

public final class ExportCommands {

    private ExportCommands() {
    }

    /** The identifier of an account's export queue (an aggregate of its own, beside the account's). */
    public static String queueOf(String accountId) {
        return "exports-" + accountId;
    }

    /**
     * Asks for an export of the account's conversations. {@code dateFrom}/{@code dateTo} are ISO days
     * (inclusive, UTC) or null for no bound; they arrive as the client wrote them and the aggregate checks them.
     * The account's export queue decides it, refusing it when the account has {@code maxOpen} exports open
     * already ({@code maxOpen} is configuration, not domain state), and creates the export.
     */
    public record RequestExport(String exportId, String accountId, String format, String dateFrom, String dateTo,
                                boolean includeAttachments, int maxOpen) {
        @TargetAggregateIdentifier
        public String queueId() {
            return queueOf(accountId);
        }
    }

    /** The export finished (completed, failed or deleted): it no longer counts as open. Repeating it changes nothing. */
    public record DequeueExport(String accountId, String exportId) {
        @TargetAggregateIdentifier
        public String queueId() {
            return queueOf(accountId);
        }
    }

    /** A renderer is about to start: answers when the export is still processing, fails with a Conflict when it is not. */
    public record CheckProcessing(@TargetAggregateIdentifier String exportId) {
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

    /** The account deletes its export, whatever its state: its file goes, a render still running is discarded. */
    public record DeleteExport(@TargetAggregateIdentifier String exportId, String accountId) {
    }
}
