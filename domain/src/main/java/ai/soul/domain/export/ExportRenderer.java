package ai.soul.domain.export;

import java.time.LocalDate;
import java.util.function.IntConsumer;

/**
 * The port that writes export files: reads the account's conversations, renders them in the
 * format, stores the file and says where. The adapter (infra) owns the formats and the storage.
 */
public interface ExportRenderer {

    /** {@code from}/{@code to} are inclusive creation days (UTC), null for no bound. */
    record Request(String exportId, String accountId, String format, LocalDate from, LocalDate to, boolean includeAttachments) {
    }

    record Rendered(String fileId, String fileName, String contentType, long sizeBytes, int conversations) {
    }

    /**
     * Renders and stores the file, telling {@code progress} the percent done (0 to 99) as it goes.
     * Throws when it cannot; nothing is left stored then.
     */
    Rendered render(Request request, IntConsumer progress);

    /** Deletes a stored file; one that is gone already is fine (deletions are repeated on redelivery). */
    void delete(String fileId);

    /** Deletes every stored file of the export but {@code keptFileId} (null: every one), e.g. those of renders a crash cut short. */
    void deleteOthers(String exportId, String keptFileId);
}
