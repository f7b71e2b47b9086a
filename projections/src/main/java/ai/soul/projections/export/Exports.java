package ai.soul.projections.export;

import ai.soul.projections.Paging;
import ai.soul.projections.Paging.Page;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static ai.soul.projections.export.ExportDocument.ACCOUNT_ID;
import static ai.soul.projections.export.ExportDocument.CREATED_AT;
import static ai.soul.projections.export.ExportDocument.EXPIRES_AT;
import static ai.soul.projections.export.ExportDocument.STATUS;

/** Reads of the export read model: one account's exports, and the ones the sweeper acts on. */
@Component
public class Exports {

    private final MongoCollection<ExportDocument> exports;

    public Exports(MongoDatabase db) {
        this.exports = db.getCollection(ExportDocument.COLLECTION, ExportDocument.class);
    }

    /** The export if it exists and is the account's. */
    public Optional<ExportDocument> find(String accountId, String exportId) {
        ExportDocument export = exports.find(Filters.eq("_id", exportId)).first();
        return export == null || !accountId.equals(export.accountId()) ? Optional.empty() : Optional.of(export);
    }

    /** A page of the account's exports, newest first (ids are ULIDs). */
    public Page<ExportDocument> list(String accountId, int page, int perPage) {
        Bson filter = Filters.eq(ACCOUNT_ID, accountId);
        List<ExportDocument> items = exports.find(filter).sort(Sorts.descending("_id")).skip(Paging.skip(page, perPage)).limit(perPage)
                .into(new ArrayList<>());
        return new Page<>(items, exports.countDocuments(filter));
    }

    /** Ids of completed exports whose expiry has come. */
    public List<String> expiredBy(Instant now, int limit) {
        return ids(Filters.and(Filters.eq(STATUS, "completed"), Filters.lte(EXPIRES_AT, now)), limit);
    }

    /** Ids of exports still processing that were requested before {@code before}. */
    public List<String> processingSince(Instant before, int limit) {
        return ids(Filters.and(Filters.eq(STATUS, "processing"), Filters.lt(CREATED_AT, before)), limit);
    }

    /** Exports still processing, oldest request first (ids are ULIDs), with what their request asked for. */
    public List<ExportDocument> processing(int limit) {
        return exports.find(Filters.eq(STATUS, "processing")).sort(Sorts.ascending("_id")).limit(limit).into(new ArrayList<>());
    }

    private List<String> ids(Bson filter, int limit) {
        List<String> ids = new ArrayList<>();
        for (ExportDocument export : exports.find(filter).projection(Projections.include("_id")).limit(limit)) {
            ids.add(export.id());
        }
        return ids;
    }
}
