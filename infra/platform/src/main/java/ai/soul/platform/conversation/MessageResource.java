package ai.soul.platform.conversation;

import java.time.Instant;

/** A message of a conversation as the API shows it; {@code index} is its position, from 0. */
public record MessageResource(String id, String conversationId, int index, String role, String content, Instant createdAt) {
}
