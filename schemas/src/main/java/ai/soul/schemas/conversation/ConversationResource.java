package ai.soul.schemas.conversation;

import java.time.Instant;
import java.util.Map;

/** A conversation as the API shows it, whichever side answers (the write that made it, or a read). */
public record ConversationResource(
        String id,
        String title,
        String content,
        String source,
        String status,
        Map<String, Object> metadata,
        String systemPrompt,
        String llmId,
        String agentId,
        Object summary,
        int messageCount,
        Instant createdAt,
        Instant updatedAt,
        Instant lastMessageAt) {
}
