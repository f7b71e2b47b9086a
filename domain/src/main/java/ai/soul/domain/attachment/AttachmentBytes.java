package ai.soul.domain.attachment;

import java.io.InputStream;
import java.util.Optional;

/**
 * Where the bytes of attachments are kept: each file under its attachment id, with its conversation
 * and account beside it, so a deletion finds whose it is without the read models.
 */
public interface AttachmentBytes {

    /** What was stored: the bytes' length and SHA-256 digest (hex). */
    record Stored(long size, String sha256) {
    }

    /** Whose a stored file is. */
    record Owner(String conversationId, String accountId) {
    }

    /** Stores the bytes as they are read from {@code bytes}. */
    Stored store(String attachmentId, String conversationId, String accountId, String filename, String mimeType, InputStream bytes);

    /** Whose the stored file is; empty when there is none (never stored, or deleted). */
    Optional<Owner> owner(String attachmentId);

    /** Deletes the file's bytes; a file that is gone already is fine (deletions are retried and repeated). */
    void discard(String attachmentId);
}
