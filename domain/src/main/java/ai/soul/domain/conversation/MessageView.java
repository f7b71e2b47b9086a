package ai.soul.domain.conversation;

import java.time.Instant;

/** A message as it stands right after it was posted; {@code version} as in {@link ConversationView}. */
public record MessageView(
        String id,
        String conversationId,
        int index,
        String role,
        String content,
        Instant createdAt,
        long version) {
}
