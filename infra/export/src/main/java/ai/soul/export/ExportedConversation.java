package ai.soul.export;

import java.time.Instant;
import java.util.List;

/** A conversation as an export holds it: what it says about itself, its messages in order, its attachments. */
public record ExportedConversation(String id, String title, String content, String source, Instant createdAt, Instant updatedAt,
                                   List<Message> messages, List<Attachment> attachments) {

    public record Message(String id, int index, String role, String content, Instant createdAt) {
    }

    /** {@code storageId} is the GridFS id of the bytes in the attachments bucket. */
    public record Attachment(String id, String filename, String mimeType, long size, String storageId) {
    }
}
