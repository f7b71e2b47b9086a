package ai.soul.projections.usage;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.codecs.pojo.annotations.BsonProperty;

import java.util.Map;

/**
 * An account's API requests on one UTC day ({@value #COLLECTION}, _id {@link UsageKeys#id}): total,
 * by endpoint (method and route template, {@link UsageKeys#field escaped}), by status, bytes in and
 * out, and per partition of the usage topic the offset of the last record counted. The field names are
 * defined here once.
 */
public record RequestDay(
        @BsonId String id,
        @BsonProperty(ACCOUNT_ID) String accountId,
        @BsonProperty(DAY) String day,
        @BsonProperty(REQUESTS) Long requests,
        @BsonProperty(BY_ENDPOINT) Map<String, Long> byEndpoint,
        @BsonProperty(BY_STATUS) Map<String, Long> byStatus,
        @BsonProperty(REQUEST_BYTES) Long requestBytes,
        @BsonProperty(RESPONSE_BYTES) Long responseBytes,
        @BsonProperty(OFFSETS) Map<String, Long> offsets) {

    static final String COLLECTION = "usage_daily";

    static final String ACCOUNT_ID = "account_id";
    static final String DAY = "day";
    static final String REQUESTS = "requests";
    static final String BY_ENDPOINT = "by_endpoint";
    static final String BY_STATUS = "by_status";
    static final String REQUEST_BYTES = "request_bytes";
    static final String RESPONSE_BYTES = "response_bytes";
    static final String OFFSETS = "offsets";

    public RequestDay {
        requests = requests == null ? 0 : requests;
        byEndpoint = byEndpoint == null ? Map.of() : byEndpoint;
        byStatus = byStatus == null ? Map.of() : byStatus;
        offsets = offsets == null ? Map.of() : offsets;
    }
}
