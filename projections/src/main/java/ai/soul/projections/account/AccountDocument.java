package ai.soul.projections.account;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An account in the read model ({@value #COLLECTION}, keyed by its id): what it shows of itself, and
 * what its holder is told ({@code notices}, oldest first, the latest {@link AccountProjector#NOTICES_KEPT}).
 * The versions are the projector's: the sequence number of the event each part was last changed by.
 * The field names are defined here once: the projector writes through them, the reader reads by them.
 */
public record AccountDocument(
        @BsonId String id,
        @BsonProperty(EMAIL) String email,
        @BsonProperty(NAME) String name,
        @BsonProperty(COMPANY_NAME) String companyName,
        @BsonProperty(TIER) String tier,
        @BsonProperty(CREATED_AT) Instant createdAt,
        @BsonProperty(VERSION) Long version,
        @BsonProperty(TIER_VERSION) Long tierVersion,
        @BsonProperty(NOTICES) List<Notice> notices,
        @BsonProperty(NOTICES_VERSION) Long noticesVersion) {

    public static final String COLLECTION = "accounts";

    static final String EMAIL = "email";
    static final String NAME = "name";
    static final String COMPANY_NAME = "company_name";
    static final String TIER = "tier";
    static final String CREATED_AT = "created_at";
    static final String VERSION = "version";
    static final String TIER_VERSION = "tier_version";
    static final String NOTICES = "notices";
    static final String NOTICES_VERSION = "notices_version";

    public AccountDocument {
        notices = notices == null ? List.of() : notices;
    }

    /** Something the account's holder is told: {@code registration_attempted} (someone registered with its address). */
    public record Notice(@BsonProperty(TYPE) String type, @BsonProperty(AT) Instant at) {

        static final String TYPE = "type";
        static final String AT = "at";
    }

    public List<Notice> latestNoticesFirst() {
        List<Notice> latestFirst = new ArrayList<>(notices);
        Collections.reverse(latestFirst);
        return latestFirst;
    }
}
