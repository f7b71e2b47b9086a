package ai.soul.projections.export;

import ai.soul.projections.Paging;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.springframework.stereotype.Component;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/** Reads of the export read model: one account's exports, and the ones the sweeper acts on. */
@Component
public class Exports {

    static final String EXPORTS = "exports";

    private final MongoCollection<Document> exports;

    public Exports(MongoDatabase db) {
        this.exports = db.getCollection(EXPORTS);
    }

    public record Page(List<Document> items, long total) {
    }

    /** The export if it exists and is the account's. */
    public Optional<Document> find(String accountId, String exportId) {
        Document doc = exports.find(Filters.eq("_id", exportId)).first();
        return doc == null || !accountId.equals(doc.getString("account_id")) ? Optional.empty() : Optional.of(doc);
    }

    /** A page of the account's exports, newest first (ids are ULIDs). */
    public Page list(String accountId, int page, int perPage) {
        Bson filter = Filters.eq("account_id", accountId);
        List<Document> items = exports.find(filter).sort(Sorts.descending("_id")).skip(Paging.skip(page, perPage)).limit(perPage)
                .into(new ArrayList<>());
        return new Page(items, exports.countDocuments(filter));
    }

    /** Ids of completed exports whose expiry has come. */
    public List<String> expiredBy(Instant now, int limit) {
        return ids(Filters.and(Filters.eq("status", "completed"), Filters.lte("expires_at", Date.from(now))), limit);
    }

    /** Ids of exports still processing that were requested before {@code before}. */
    public List<String> processingSince(Instant before, int limit) {
        return ids(Filters.and(Filters.eq("status", "processing"), Filters.lt("created_at", Date.from(before))), limit);
    }

    /** Exports still processing, oldest request first (ids are ULIDs), with what their request asked for. */
    public List<Document> processing(int limit) {
        return exports.find(Filters.eq("status", "processing")).sort(Sorts.ascending("_id")).limit(limit).into(new ArrayList<>());
    }

    private List<String> ids(Bson filter, int limit) {
        List<String> ids = new ArrayList<>();
        for (Document d : exports.find(filter).limit(limit)) {
            ids.add(d.getString("_id"));
        }
        return ids;
    }
}
