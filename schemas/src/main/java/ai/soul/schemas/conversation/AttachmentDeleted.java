package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/** An attachment was removed from its conversation; its {@code size} bytes no longer count against the account. */
@EventType("soul.conversation.attachment_deleted.v1")
public record AttachmentDeleted(
        String conversationId,
        String accountId,
        String attachmentId,
        long size) implements ConversationEvent {
}
