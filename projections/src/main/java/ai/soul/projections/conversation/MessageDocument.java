package ai.soul.projections.conversation;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.time.Instant;

/**
 * A message in the read model ({@value #COLLECTION}), keyed by its conversation and position
 * ({@link #key}); {@code id} is its public id. An agent reply names the message it answers and its
 * model (and its reasoning when asked for); a user message that asked for a reply shows
 * {@code reply_status} (pending, completed, failed) and, on failure, {@code reply_error}. A field
 * without a value is not stored.
 */
public record MessageDocument(
        @BsonId String key,
        @BsonProperty(ID) String id,
        @BsonProperty(CONVERSATION_ID) String conversationId,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(INDEX) Integer index,
        @BsonProperty(ROLE) String role,
        @BsonProperty(CONTENT) String content,
        @BsonProperty(CREATED_AT) Instant createdAt,
        @BsonProperty(IN_REPLY_TO) String inReplyTo,
        @BsonProperty(MODEL) String model,
        @BsonProperty(REASONING) String reasoning,
        @BsonProperty(REPLY_STATUS) String replyStatus,
        @BsonProperty(REPLY_ERROR) String replyError) {

    public static final String COLLECTION = "messages";

    static final String ID = "id";
    static final String CONVERSATION_ID = "conversation_id";
    static final String ACCOUNT_ID = "account_id";
    static final String INDEX = "index";
    static final String ROLE = "role";
    static final String CONTENT = "content";
    static final String CREATED_AT = "created_at";
    static final String IN_REPLY_TO = "in_reply_to";
    static final String MODEL = "model";
    static final String REASONING = "reasoning";
    static final String REPLY_STATUS = "reply_status";
    static final String REPLY_ERROR = "reply_error";

    private static final String ZEROS = "0000000000";

    /**
     * The {@code _id} of a message: the conversation and the message's position in it, zero-padded to
     * 10 digits (any int fits), so a page of messages is a set of _ids computed from the conversation's
     * message count, and the _ids of one conversation sort in posting order.
     */
    public static String key(String conversationId, int index) {
        String digits = Integer.toString(index);
        return conversationId + "/" + ZEROS.substring(Math.min(digits.length(), ZEROS.length())) + digits;
    }
}
