package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/** No reply could be produced for a user message after {@code attempts} tries; {@code reason} says why. */
@EventType("soul.conversation.agent_reply_failed.v1")
public record AgentReplyFailed(
        String conversationId,
        String accountId,
        String inReplyTo,
        String reason,
        int attempts) implements ConversationEvent {
}
