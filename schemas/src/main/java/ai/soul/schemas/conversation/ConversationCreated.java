package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

import java.util.Map;

/** A conversation was started. {@code source} is email, whatsapp or api. */
@EventType("soul.conversation.created.v1")
public record ConversationCreated(
        String conversationId,
        String accountId,
        String title,
        String content,
        String source,
        Map<String, Object> metadata,
        String systemPrompt,
        String llmId,
        String agentId) implements ConversationEvent {
}
