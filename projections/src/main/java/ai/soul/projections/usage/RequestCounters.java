package ai.soul.projections.usage;

import ai.soul.schemas.usage.MeteredRequest;
import ai.soul.projections.BulkWrites;
import ai.soul.projections.account.ApiKeyDocument;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API requests of each account per UTC day ({@link RequestDay}): total, by endpoint (method
 * and route template), by status, bytes in and out; and each API key's last use, in the account
 * read model ({@link ApiKeyDocument}).
 * <p>
 * Exactly once across crashes and redeliveries: each day document remembers, per partition of the
 * usage topic, the offset of the last record it counted ({@code offsets.<partition>}). A batch reads
 * those first and counts only the records past them; the counts and the new offset go in one update
 * of one document, so they are applied together or not at all. Records of one partition come in
 * offset order and only one consumer of the group reads a partition at a time.
 */
public class RequestCounters {


    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    /** A metered request and where it sits in the usage topic. */
    public record Positioned(int partition, long offset, MeteredRequest request) {
    }

    private final MongoCollection<RequestDay> daily;
    private final MongoCollection<ApiKeyDocument> apiKeys;

    public RequestCounters(MongoDatabase db) {
        this.daily = db.getCollection(RequestDay.COLLECTION, RequestDay.class);
        this.apiKeys = db.getCollection(ApiKeyDocument.COLLECTION, ApiKeyDocument.class);
        // last use goes by the key's id, the documents by the key's hash; unique, so the embedded server uses it too
        apiKeys.createIndex(Indexes.ascending(ApiKeyDocument.KEY_ID), new IndexOptions().unique(true));
    }

    private static final class Day {
        final String accountId;
        final LocalDate day;
        final Map<String, Long> inc = new LinkedHashMap<>();
        final Map<Integer, Long> offsets = new HashMap<>();

        Day(String accountId, LocalDate day) {
            this.accountId = accountId;
            this.day = day;
        }

        void add(String field, long amount) {
            inc.merge(field, amount, Long::sum);
        }
    }

    public void count(List<Positioned> batch) {
        Map<String, Day> days = new LinkedHashMap<>();
        Map<String, Instant> lastUse = new HashMap<>();
        for (Positioned p : batch) {
            MeteredRequest r = p.request();
            if (r.accountId() == null || r.at() == null) {
                continue; // a public or refused request: no account to count it for
            }
            LocalDate day = UsageKeys.day(r.at());
            days.computeIfAbsent(UsageKeys.id(r.accountId(), day), id -> new Day(r.accountId(), day));
            if (r.keyId() != null) {
                lastUse.merge(r.keyId(), r.at(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        if (!days.isEmpty()) {
            Map<String, Map<String, Long>> counted = new HashMap<>();
            for (RequestDay doc : daily.find(Filters.in("_id", days.keySet())).projection(Projections.include(RequestDay.OFFSETS))) {
                counted.put(doc.id(), doc.offsets());
            }
            for (Positioned p : batch) {
                MeteredRequest r = p.request();
                if (r.accountId() == null || r.at() == null) {
                    continue;
                }
                String id = UsageKeys.id(r.accountId(), UsageKeys.day(r.at()));
                Map<String, Long> offsets = counted.get(id);
                Long done = offsets == null ? null : offsets.get(Integer.toString(p.partition()));
                if (done != null && p.offset() <= done) {
                    continue; // counted before a crash or a rebalance
                }
                Day d = days.get(id);
                d.add(RequestDay.REQUESTS, 1);
                d.add(RequestDay.BY_ENDPOINT + "." + UsageKeys.field(r.method() + " " + r.route()), 1);
                d.add(RequestDay.BY_STATUS + "." + r.status(), 1);
                d.add(RequestDay.REQUEST_BYTES, Math.max(0, r.requestBytes()));
                d.add(RequestDay.RESPONSE_BYTES, Math.max(0, r.responseBytes()));
                d.offsets.merge(p.partition(), p.offset(), Math::max);
            }
            List<WriteModel<RequestDay>> writes = new ArrayList<>();
            days.forEach((id, d) -> {
                if (d.inc.isEmpty()) {
                    return;
                }
                List<Bson> updates = new ArrayList<>();
                updates.add(Updates.setOnInsert(RequestDay.ACCOUNT_ID, d.accountId));
                updates.add(Updates.setOnInsert(RequestDay.DAY, d.day.toString()));
                d.inc.forEach((field, amount) -> updates.add(Updates.inc(field, amount)));
                d.offsets.forEach((partition, offset) -> updates.add(Updates.max(RequestDay.OFFSETS + "." + partition, offset)));
                writes.add(new UpdateOneModel<>(Filters.eq("_id", id), Updates.combine(updates), UPSERT));
            });
            BulkWrites.run(daily, writes);
        }
        if (!lastUse.isEmpty()) {
            List<WriteModel<ApiKeyDocument>> writes = new ArrayList<>();
            lastUse.forEach((keyId, at) -> writes.add(new UpdateOneModel<>(Filters.eq(ApiKeyDocument.KEY_ID, keyId),
                    Updates.max(ApiKeyDocument.LAST_USED_AT, at))));
            apiKeys.bulkWrite(writes);
        }
    }
}
