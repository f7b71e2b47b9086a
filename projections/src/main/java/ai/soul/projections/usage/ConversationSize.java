package ai.soul.projections.usage;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

/**
 * A conversation's text size as far as the events counted ({@value #COLLECTION}, keyed by the
 * conversation): its content, and content plus messages, which a replaced content or a deletion needs.
 * {@code version} is the sequence number of the last event counted.
 */
public record ConversationSize(
        @BsonId String id,
        @BsonProperty(VERSION) Long version,
        @BsonProperty(CONTENT_BYTES) Long contentBytes,
        @BsonProperty(TEXT_BYTES) Long textBytes,
        @BsonProperty(DELETED) Boolean deleted) {

    static final String COLLECTION = "usage_conversations";

    static final String VERSION = "version";
    static final String CONTENT_BYTES = "content_bytes";
    static final String TEXT_BYTES = "text_bytes";
    static final String DELETED = "deleted";

    public ConversationSize {
        version = version == null ? 0 : version;
        contentBytes = contentBytes == null ? 0 : contentBytes;
        textBytes = textBytes == null ? 0 : textBytes;
        deleted = deleted != null && deleted;
    }
}
