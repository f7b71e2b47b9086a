package ai.soul.domain.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A conversation as it stands right after a command, returned to the caller so a write answers
 * with the resource it produced. {@code version} is the sequence number of its last event;
 * {@code status} is processing while a summary is being written, then completed or failed;
 * {@code summary} is the last summary written, null before the first.
 * {@code attachments} are in the order they were added.
 */
public record ConversationView(
        String id,
        String accountId,
        String title,
        String content,
        String source,
        String status,
        Map<String, Object> metadata,
        String systemPrompt,
        String llmId,
        String agentId,
        Summary summary,
        int messageCount,
        Instant createdAt,
        Instant updatedAt,
        Instant lastMessageAt,
        long version,
        List<AttachmentView> attachments) {

    /** The summary as the conversation shows it. */
    public record Summary(String title, String content, String sentiment, List<String> topics, List<String> actionItems) {
    }
}
