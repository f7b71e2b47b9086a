package ai.soul.schemas.conversation;

/**
 * An event of a conversation (the aggregate whose id is {@link #conversationId}, the subject of the
 * event on the log), with the account that owns the conversation. Consumers switch over it: the
 * compiler names every event a switch has not handled.
 */
public sealed interface ConversationEvent permits ConversationCreated, ConversationUpdated, ConversationDeleted, MessagePosted,
        AgentReplyRequested, AgentReplied, AgentReplyFailed, SummaryRequested, SummaryGenerated, SummaryFailed,
        AttachmentAdded, AttachmentDeleted {

    String conversationId();

    String accountId();
}
