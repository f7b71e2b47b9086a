package ai.soul.projections.conversation;

import org.bson.Document;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A conversation in the read model ({@value #COLLECTION}, keyed by its id), as the driver's record codec
 * reads it. The field names are defined here once: the projector writes through them, the readers
 * query by them. {@code status} is processing while a summary is being written, then completed or
 * failed; {@code summary} is the last one written. A deleted conversation stays as a tombstone
 * ({@code deleted}, nothing of what it said) so that a replay cannot bring it back.
 * <p>
 * The last fields are the projector's bookkeeping, never shown: {@code version}, the sequence number of
 * the last event applied; the positions of the user messages awaiting a reply (message id → index);
 * the ids of the conversation's summaries (as keys, so each is added by its own path).
 */
public record ConversationDocument(
        @BsonId String id,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(TITLE) String title,
        @BsonProperty(CONTENT) String content,
        @BsonProperty(SOURCE) String source,
        @BsonProperty(STATUS) String status,
        @BsonProperty(METADATA) Document metadata,
        @BsonProperty(SYSTEM_PROMPT) String systemPrompt,
        @BsonProperty(LLM_ID) String llmId,
        @BsonProperty(AGENT_ID) String agentId,
        @BsonProperty(SUMMARY) Summary summary,
        @BsonProperty(MESSAGE_COUNT) Integer messageCount,
        @BsonProperty(CREATED_AT) Instant createdAt,
        @BsonProperty(UPDATED_AT) Instant updatedAt,
        @BsonProperty(LAST_MESSAGE_AT) Instant lastMessageAt,
        @BsonProperty(DELETED) Boolean deleted,
        @BsonProperty(VERSION) Long version,
        @BsonProperty(PENDING_REPLIES) Map<String, Integer> pendingReplies,
        @BsonProperty(SUMMARY_IDS) Map<String, Boolean> summaryIds) {

    public static final String COLLECTION = "conversations";

    static final String ACCOUNT_ID = "account_id";
    static final String TITLE = "title";
    static final String CONTENT = "content";
    static final String SOURCE = "source";
    static final String STATUS = "status";
    static final String METADATA = "metadata";
    static final String SYSTEM_PROMPT = "system_prompt";
    static final String LLM_ID = "llm_id";
    static final String AGENT_ID = "agent_id";
    static final String SUMMARY = "summary";
    static final String MESSAGE_COUNT = "message_count";
    static final String CREATED_AT = "created_at";
    static final String UPDATED_AT = "updated_at";
    static final String LAST_MESSAGE_AT = "last_message_at";
    static final String DELETED = "deleted";
    static final String VERSION = "version";
    static final String PENDING_REPLIES = "pending_replies";
    static final String SUMMARY_IDS = "summary_ids";

    /** A document written before a field existed reads as if the field had its first value. */
    public ConversationDocument {
        messageCount = messageCount == null ? 0 : messageCount;
        deleted = deleted != null && deleted;
        pendingReplies = pendingReplies == null ? Map.of() : pendingReplies;
        summaryIds = summaryIds == null ? Map.of() : summaryIds;
    }

    /** The last summary written, as the conversation shows it. */
    public record Summary(
            @BsonProperty(TITLE) String title,
            @BsonProperty(CONTENT) String content,
            @BsonProperty(SENTIMENT) String sentiment,
            @BsonProperty(TOPICS) List<String> topics,
            @BsonProperty(ACTION_ITEMS) List<String> actionItems) {

        static final String SENTIMENT = "sentiment";
        static final String TOPICS = "topics";
        static final String ACTION_ITEMS = "action_items";
    }
}
