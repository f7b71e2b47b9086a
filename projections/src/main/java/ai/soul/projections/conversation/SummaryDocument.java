package ai.soul.projections.conversation;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * A summary in the read model ({@value #COLLECTION}, keyed by its id). {@code status} is processing,
 * completed or failed; the summary's fields are there once it is completed, {@code error} once it
 * failed. A field without a value is not stored.
 */
public record SummaryDocument(
        @BsonId String id,
        @BsonProperty(CONVERSATION_ID) String conversationId,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(STATUS) String status,
        @BsonProperty(LANGUAGE) String language,
        @BsonProperty(STYLE) String style,
        @BsonProperty(CREATED_AT) Instant createdAt,
        @BsonProperty(COMPLETED_AT) Instant completedAt,
        @BsonProperty(TITLE) String title,
        @BsonProperty(CONTENT) String content,
        @BsonProperty(SENTIMENT) String sentiment,
        @BsonProperty(SENTIMENT_SCORE) Double sentimentScore,
        @BsonProperty(TOPICS) List<String> topics,
        @BsonProperty(ACTION_ITEMS) List<String> actionItems,
        @BsonProperty(MODEL) String model,
        @BsonProperty(ERROR) String error) {

    public static final String COLLECTION = "summaries";

    static final String CONVERSATION_ID = "conversation_id";
    static final String ACCOUNT_ID = "account_id";
    static final String STATUS = "status";
    static final String LANGUAGE = "language";
    static final String STYLE = "style";
    static final String CREATED_AT = "created_at";
    static final String COMPLETED_AT = "completed_at";
    static final String TITLE = "title";
    static final String CONTENT = "content";
    static final String SENTIMENT = "sentiment";
    static final String SENTIMENT_SCORE = "sentiment_score";
    static final String TOPICS = "topics";
    static final String ACTION_ITEMS = "action_items";
    static final String MODEL = "model";
    static final String ERROR = "error";
}
