package ai.soul.projections.usage;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.util.Map;

/**
 * What one conversation added to its account's usage on one UTC day ({@value #COLLECTION}, _id
 * {@code conversation|day}), counted from the events: conversations created by source, messages by role,
 * AI tokens by model, and the change of stored bytes by type. The keys of the maps are
 * {@link UsageKeys#field escaped}. {@code version} is the sequence number of the last event counted.
 * The field names are defined here once: the projector writes through them, the reader reads by them.
 */
public record ConversationDay(
        @BsonId String id,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(DAY) String day,
        @BsonProperty(VERSION) Long version,
        @BsonProperty(CONVERSATIONS) Map<String, Long> conversations,
        @BsonProperty(MESSAGES) Map<String, Long> messages,
        @BsonProperty(TOKENS) Map<String, Tokens> tokens,
        @BsonProperty(STORAGE) Storage storage) {

    static final String COLLECTION = "usage_conversation_days";

    static final String ACCOUNT_ID = "account_id";
    static final String DAY = "day";
    static final String VERSION = "version";
    static final String CONVERSATIONS = "conversations";
    static final String MESSAGES = "messages";
    static final String TOKENS = "tokens";
    static final String STORAGE = "storage";

    public ConversationDay {
        conversations = conversations == null ? Map.of() : conversations;
        messages = messages == null ? Map.of() : messages;
        tokens = tokens == null ? Map.of() : tokens;
        storage = storage == null ? new Storage(0L, 0L, 0L) : storage;
    }

    /** The tokens of one model. */
    public record Tokens(@BsonProperty(PROMPT) Long prompt, @BsonProperty(COMPLETION) Long completion) {

        static final String PROMPT = "prompt";
        static final String COMPLETION = "completion";

        public Tokens {
            prompt = prompt == null ? 0 : prompt;
            completion = completion == null ? 0 : completion;
        }
    }

    /** The change of stored bytes, by type. */
    public record Storage(@BsonProperty(CONVERSATIONS) Long conversations, @BsonProperty(ATTACHMENTS) Long attachments,
                   @BsonProperty(EXPORTS) Long exports) {

        static final String CONVERSATIONS = "conversations";
        static final String ATTACHMENTS = "attachments";
        static final String EXPORTS = "exports";

        public Storage {
            conversations = conversations == null ? 0 : conversations;
            attachments = attachments == null ? 0 : attachments;
            exports = exports == null ? 0 : exports;
        }
    }
}
