package ai.soul.projections.usage;

import ai.soul.schemas.usage.MeteredRequest;
import ai.soul.projections.BulkWrites;
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
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API requests of each account per UTC day ({@value #COLLECTION}): total, by endpoint (method
 * and route template), by status, bytes in and out; and each API key's last use, in the account
 * read model's {@code api_keys}.
 * <p>
 * Exactly once across crashes and redeliveries: each day document remembers, per partition of the
 * usage topic, the offset of the last record it counted ({@code offsets.<partition>}). A batch reads
 * those first and counts only the records past them; the counts and the new offset go in one update
 * of one document, so they are applied together or not at all. Records of one partition come in
 * offset order and only one consumer of the group reads a partition at a time.
 */
public class RequestCounters {

    public static final String COLLECTION = "usage_daily";
    static final String API_KEYS = "api_keys";

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    /** A metered request and where it sits in the usage topic. */
    public record Positioned(int partition, long offset, MeteredRequest request) {
    }

    private final MongoCollection<Document> daily;
    private final MongoCollection<Document> apiKeys;

    public RequestCounters(MongoDatabase db) {
        this.daily = db.getCollection(COLLECTION);
        this.apiKeys = db.getCollection(API_KEYS);
        // last use goes by the key's id, the documents by the key's hash; unique, so the embedded server uses it too
        apiKeys.createIndex(Indexes.ascending("key_id"), new IndexOptions().unique(true));
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
            Map<String, Document> counted = new HashMap<>();
            for (Document doc : daily.find(Filters.in("_id", days.keySet())).projection(Projections.include("offsets"))) {
                counted.put(doc.getString("_id"), doc.get("offsets", Document.class));
            }
            for (Positioned p : batch) {
                MeteredRequest r = p.request();
                if (r.accountId() == null || r.at() == null) {
                    continue;
                }
                String id = UsageKeys.id(r.accountId(), UsageKeys.day(r.at()));
                Document offsets = counted.get(id);
                Object done = offsets == null ? null : offsets.get(Integer.toString(p.partition()));
                if (done instanceof Number n && p.offset() <= n.longValue()) {
                    continue; // counted before a crash or a rebalance
                }
                Day d = days.get(id);
                d.add("requests", 1);
                d.add("by_endpoint." + UsageKeys.field(r.method() + " " + r.route()), 1);
                d.add("by_status." + r.status(), 1);
                d.add("request_bytes", Math.max(0, r.requestBytes()));
                d.add("response_bytes", Math.max(0, r.responseBytes()));
                d.offsets.merge(p.partition(), p.offset(), Math::max);
            }
            List<WriteModel<Document>> writes = new ArrayList<>();
            days.forEach((id, d) -> {
                if (d.inc.isEmpty()) {
                    return;
                }
                List<Bson> updates = new ArrayList<>();
                updates.add(Updates.setOnInsert("account_id", d.accountId));
                updates.add(Updates.setOnInsert("day", d.day.toString()));
                d.inc.forEach((field, amount) -> updates.add(Updates.inc(field, amount)));
                d.offsets.forEach((partition, offset) -> updates.add(Updates.max("offsets." + partition, offset)));
                writes.add(new UpdateOneModel<>(Filters.eq("_id", id), Updates.combine(updates), UPSERT));
            });
            BulkWrites.run(daily, writes);
        }
        if (!lastUse.isEmpty()) {
            List<WriteModel<Document>> writes = new ArrayList<>();
            lastUse.forEach((keyId, at) -> writes.add(new UpdateOneModel<>(Filters.eq("key_id", keyId),
                    Updates.max("last_used_at", Date.from(at)))));
            apiKeys.bulkWrite(writes);
        }
    }
}
