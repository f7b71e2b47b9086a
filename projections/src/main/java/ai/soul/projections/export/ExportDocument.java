package ai.soul.projections.export;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.time.Instant;

/**
 * An export in the read model ({@value #COLLECTION}, keyed by its id): what its request asked for
 * (dates as ISO days, either null for no bound), its {@code status} (processing, completed, failed,
 * expired, deleted) and progress, and once completed its file (a GridFS id in the exports bucket).
 * A deleted export stays as a tombstone that belongs to no account. The field names are defined here
 * once: the projector writes through them, the reader queries by them.
 */
public record ExportDocument(
        @BsonId String id,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(FORMAT) String format,
        @BsonProperty(DATE_FROM) String dateFrom,
        @BsonProperty(DATE_TO) String dateTo,
        @BsonProperty(INCLUDE_ATTACHMENTS) Boolean includeAttachments,
        @BsonProperty(STATUS) String status,
        @BsonProperty(PROGRESS) Integer progress,
        @BsonProperty(CREATED_AT) Instant createdAt,
        @BsonProperty(VERSION) Long version,
        @BsonProperty(FILE_ID) String fileId,
        @BsonProperty(FILE_NAME) String fileName,
        @BsonProperty(CONTENT_TYPE) String contentType,
        @BsonProperty(SIZE_BYTES) Long sizeBytes,
        @BsonProperty(CONVERSATIONS) Integer conversations,
        @BsonProperty(EXPIRES_AT) Instant expiresAt,
        @BsonProperty(COMPLETED_AT) Instant completedAt,
        @BsonProperty(ERROR) String error,
        @BsonProperty(EXPIRED_AT) Instant expiredAt,
        @BsonProperty(DELETED_AT) Instant deletedAt) {

    public static final String COLLECTION = "exports";

    static final String ACCOUNT_ID = "account_id";
    static final String FORMAT = "format";
    static final String DATE_FROM = "date_from";
    static final String DATE_TO = "date_to";
    static final String INCLUDE_ATTACHMENTS = "include_attachments";
    static final String STATUS = "status";
    static final String PROGRESS = "progress";
    static final String CREATED_AT = "created_at";
    static final String VERSION = "version";
    static final String FILE_ID = "file_id";
    static final String FILE_NAME = "file_name";
    static final String CONTENT_TYPE = "content_type";
    static final String SIZE_BYTES = "size_bytes";
    static final String CONVERSATIONS = "conversations";
    static final String EXPIRES_AT = "expires_at";
    static final String COMPLETED_AT = "completed_at";
    static final String ERROR = "error";
    static final String EXPIRED_AT = "expired_at";
    static final String DELETED_AT = "deleted_at";

    public ExportDocument {
        includeAttachments = includeAttachments != null && includeAttachments;
        progress = progress == null ? 0 : progress;
    }
}
