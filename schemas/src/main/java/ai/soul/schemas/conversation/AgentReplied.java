package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/**
 * The agent answered a user message; the answer is message {@code index} of the conversation.
 * {@code model} is the model that wrote it, {@code reasoning} its reasoning when verbose was asked
 * for and the model gives one; the token counts are what the provider reported (or counted).
 */
@EventType("soul.conversation.agent_replied.v1")
public record AgentReplied(
        String conversationId,
        String accountId,
        String messageId,
        int index,
        String inReplyTo,
        String content,
        String model,
        String reasoning,
        int promptTokens,
        int completionTokens) implements ConversationEvent {
}
