package ai.soul.schemas.conversation;

import ai.soul.schemas.EventType;

/** A conversation was deleted; it and its messages are gone for every reader. */
@EventType("soul.conversation.deleted.v1")
public record ConversationDeleted(String conversationId, String accountId) implements ConversationEvent {
}
