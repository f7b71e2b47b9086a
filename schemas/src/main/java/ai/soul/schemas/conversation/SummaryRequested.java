package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/** A summary of the conversation was asked for, in a language and a style (concise, detailed or bullet). */
@EventType("soul.conversation.summary_requested.v1")
public record SummaryRequested(
        String conversationId,
        String accountId,
        String summaryId,
        String language,
        String style) implements ConversationEvent {
}
