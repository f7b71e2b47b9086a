package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

import java.util.List;

/**
 * A requested summary was written: a title, the summary itself, the overall sentiment (positive,
 * neutral or negative, with a score from -1 to 1), the topics and the action items found, and the
 * model that wrote it with the tokens it used.
 */
@EventType("soul.conversation.summary_generated.v1")
public record SummaryGenerated(
        String conversationId,
        String accountId,
        String summaryId,
        String title,
        String content,
        String sentiment,
        double sentimentScore,
        List<String> topics,
        List<String> actionItems,
        String model,
        String language,
        String style,
        int promptTokens,
        int completionTokens) implements ConversationEvent {
}
