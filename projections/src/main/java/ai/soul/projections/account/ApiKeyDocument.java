package ai.soul.projections.account;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.time.Instant;

/**
 * An API key in the read model ({@value #COLLECTION}), keyed by the SHA-256 hash of the key, which is
 * what a request presents; never the key itself. {@code last_used_at} is the usage counters' (from the
 * metered requests). The field names are defined here once.
 */
public record ApiKeyDocument(
        @BsonId String hash,
        @BsonProperty(KEY_ID) String keyId,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(PREFIX) String prefix,
        @BsonProperty(CREATED_AT) Instant createdAt,
        @BsonProperty(REVOKED_AT) Instant revokedAt,
        @BsonProperty(LAST_USED_AT) Instant lastUsedAt) {

    public static final String COLLECTION = "api_keys";

    public static final String KEY_ID = "key_id";
    static final String ACCOUNT_ID = "account_id";
    static final String PREFIX = "prefix";
    static final String CREATED_AT = "created_at";
    static final String REVOKED_AT = "revoked_at";
    public static final String LAST_USED_AT = "last_used_at";
}
