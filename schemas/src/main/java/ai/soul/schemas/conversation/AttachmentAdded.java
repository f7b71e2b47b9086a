package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/**
 * A file was attached to a conversation. The bytes are not in the event: they are stored under
 * {@code storageId} (a GridFS file id); {@code sha256} is their digest, {@code size} their length.
 */
@EventType("soul.conversation.attachment_added.v1")
public record AttachmentAdded(
        String conversationId,
        String accountId,
        String attachmentId,
        String filename,
        String mimeType,
        long size,
        String sha256,
        String storageId) implements ConversationEvent {
}
