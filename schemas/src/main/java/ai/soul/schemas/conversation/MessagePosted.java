package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/**
 * A message was added to a conversation. {@code index} is its position in the conversation,
 * starting at 0; {@code role} is user, agent or system.
 */
@EventType("soul.conversation.message_posted.v1")
public record MessagePosted(
        String conversationId,
        String accountId,
        String messageId,
        int index,
        String role,
        String content) implements ConversationEvent {
}
