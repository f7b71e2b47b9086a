package ai.soul.projections.attachment;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.time.Instant;

/**
 * An attachment's metadata in the read model ({@value #COLLECTION}, keyed by its id); the bytes are in
 * GridFS under {@code storage_id}. A deleted attachment stays as a tombstone without its name and digest.
 * The field names are defined here once: the projector writes through them, the reader queries by them.
 */
public record AttachmentDocument(
        @BsonId String id,
        @BsonProperty(CONVERSATION_ID) String conversationId,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(FILENAME) String filename,
        @BsonProperty(MIME_TYPE) String mimeType,
        @BsonProperty(SIZE) Long size,
        @BsonProperty(SHA256) String sha256,
        @BsonProperty(STORAGE_ID) String storageId,
        @BsonProperty(CREATED_AT) Instant createdAt,
        @BsonProperty(DELETED) Boolean deleted,
        @BsonProperty(VERSION) Long version) {

    public static final String COLLECTION = "attachments";

    static final String CONVERSATION_ID = "conversation_id";
    static final String ACCOUNT_ID = "account_id";
    static final String FILENAME = "filename";
    static final String MIME_TYPE = "mime_type";
    static final String SIZE = "size";
    static final String SHA256 = "sha256";
    static final String STORAGE_ID = "storage_id";
    static final String CREATED_AT = "created_at";
    static final String DELETED = "deleted";
    static final String VERSION = "version";

    public AttachmentDocument {
        size = size == null ? 0 : size;
        deleted = deleted != null && deleted;
    }
}
