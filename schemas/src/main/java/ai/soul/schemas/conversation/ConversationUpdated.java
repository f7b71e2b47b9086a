package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

import java.util.Map;

/**
 * Some fields of a conversation changed. A null field did not change; {@code metadata} holds
 * only the keys that were set, merged into the existing metadata (a null value removes a key).
 */
@EventType("soul.conversation.updated.v1")
public record ConversationUpdated(
        String conversationId,
        String accountId,
        String title,
        String content,
        Map<String, Object> metadata,
        String systemPrompt,
        String llmId,
        String agentId) implements ConversationEvent {
}
