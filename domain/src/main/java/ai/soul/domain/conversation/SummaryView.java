package ai.soul.domain.conversation;

import java.time.Instant;

/** A summary request as it stands right after it was made (or the running one it joined); {@code version} as in {@link ConversationView}. */
public record SummaryView(
        String id,
        String conversationId,
        String status,
        String language,
        String style,
        Instant createdAt,
        long version) {
}
