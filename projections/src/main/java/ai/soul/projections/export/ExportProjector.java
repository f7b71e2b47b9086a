package ai.soul.projections.export;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportDeleted;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportFailed;
import ai.soul.schemas.export.ExportProgressed;
import ai.soul.schemas.export.ExportRequested;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * One document per export, keyed by its id. The request inserts it; every later event changes it
 * only when its sequence number is above the document's {@code version}, so a redelivered or
 * replayed event changes nothing. A deleted export stays as a tombstone without an account.
 */
@Component
public class ExportProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> exports;

    public ExportProjector(MongoDatabase db) {
        this.exports = db.getCollection(Exports.EXPORTS);
    }

    @Override
    public void prepare() {
        createIndexes();
    }

    /** The account's list and the sweeper's queries; the embedded server uses an index whose keys are exactly the filter's. */
    private void createIndexes() {
        exports.createIndex(Indexes.ascending("account_id"));
        exports.createIndex(Indexes.ascending("status"));
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            long seq = event.sequence();
            Date at = Date.from(event.time());
            if (event.data() instanceof ExportRequested e) {
                writes.add(new UpdateOneModel<>(Filters.eq("_id", e.exportId()), Updates.combine(
                        Updates.setOnInsert("account_id", e.accountId()),
                        Updates.setOnInsert("format", e.format()),
                        Updates.setOnInsert("date_from", e.dateFrom()),
                        Updates.setOnInsert("date_to", e.dateTo()),
                        Updates.setOnInsert("include_attachments", e.includeAttachments()),
                        Updates.setOnInsert("status", "processing"),
                        Updates.setOnInsert("progress", 0),
                        Updates.setOnInsert("created_at", at),
                        Updates.setOnInsert("version", seq)), UPSERT));
            } else if (event.data() instanceof ExportProgressed e) {
                writes.add(later(e.exportId(), seq, Updates.set("progress", e.progress())));
            } else if (event.data() instanceof ExportCompleted e) {
                writes.add(later(e.exportId(), seq, Updates.combine(
                        Updates.set("status", "completed"),
                        Updates.set("progress", 100),
                        Updates.set("file_id", e.fileId()),
                        Updates.set("file_name", e.fileName()),
                        Updates.set("content_type", e.contentType()),
                        Updates.set("size_bytes", e.sizeBytes()),
                        Updates.set("conversations", e.conversations()),
                        Updates.set("expires_at", Date.from(Instant.parse(e.expiresAt()))),
                        Updates.set("completed_at", at))));
            } else if (event.data() instanceof ExportFailed e) {
                writes.add(later(e.exportId(), seq, Updates.combine(Updates.set("status", "failed"), Updates.set("error", e.reason()),
                        Updates.set("completed_at", at))));
            } else if (event.data() instanceof ExportExpired e) {
                writes.add(later(e.exportId(), seq, Updates.combine(Updates.set("status", "expired"), Updates.set("expired_at", at))));
            } else if (event.data() instanceof ExportDeleted e) {
                // a tombstone that belongs to no account: gone from every read, and a redelivered request cannot bring it back
                writes.add(later(e.exportId(), seq, Updates.combine(Updates.set("status", "deleted"), Updates.unset("account_id"),
                        Updates.unset("file_id"), Updates.set("deleted_at", at))));
            }
        }
        BulkWrites.run(exports, writes);
    }

    /** Applies the change only to a document that has not seen this event yet. */
    private static WriteModel<Document> later(String exportId, long seq, Bson change) {
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", exportId), Filters.lt("version", seq)),
                Updates.combine(change, Updates.set("version", seq)));
    }

    @Override
    public void reset() {
        exports.drop();
        createIndexes();
    }
}
