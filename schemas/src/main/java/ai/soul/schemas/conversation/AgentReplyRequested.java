package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/**
 * A user message asked for an agent reply. {@code llmId} is the model the message named, null for
 * the conversation's model (or the default); {@code verbose} asks for the model's reasoning too.
 */
@EventType("soul.conversation.agent_reply_requested.v1")
public record AgentReplyRequested(
        String conversationId,
        String accountId,
        String inReplyTo,
        String llmId,
        boolean verbose) implements ConversationEvent {
}
