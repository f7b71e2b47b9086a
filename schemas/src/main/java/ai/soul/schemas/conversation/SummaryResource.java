package ai.soul.schemas.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A summary of a conversation as the API shows it. {@code status} is processing, completed or
 * failed; the summary's fields are there once it is completed, {@code error} once it failed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SummaryResource(
        String id,
        String conversationId,
        String status,
        String language,
        String style,
        String title,
        String content,
        String sentiment,
        Double sentimentScore,
        List<String> topics,
        List<String> actionItems,
        String model,
        String error,
        Instant createdAt,
        Instant completedAt) {
}
