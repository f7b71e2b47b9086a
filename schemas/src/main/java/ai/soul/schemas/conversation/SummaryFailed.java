package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/** A requested summary could not be written after {@code attempts} tries; {@code reason} says why. */
@EventType("soul.conversation.summary_failed.v1")
public record SummaryFailed(
        String conversationId,
        String accountId,
        String summaryId,
        String reason,
        int attempts) implements ConversationEvent {
}
