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
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static ai.soul.projections.export.ExportDocument.ACCOUNT_ID;
import static ai.soul.projections.export.ExportDocument.COMPLETED_AT;
import static ai.soul.projections.export.ExportDocument.CONTENT_TYPE;
import static ai.soul.projections.export.ExportDocument.CONVERSATIONS;
import static ai.soul.projections.export.ExportDocument.CREATED_AT;
import static ai.soul.projections.export.ExportDocument.DATE_FROM;
import static ai.soul.projections.export.ExportDocument.DATE_TO;
import static ai.soul.projections.export.ExportDocument.DELETED_AT;
import static ai.soul.projections.export.ExportDocument.ERROR;
import static ai.soul.projections.export.ExportDocument.EXPIRED_AT;
import static ai.soul.projections.export.ExportDocument.EXPIRES_AT;
import static ai.soul.projections.export.ExportDocument.FILE_ID;
import static ai.soul.projections.export.ExportDocument.FILE_NAME;
import static ai.soul.projections.export.ExportDocument.FORMAT;
import static ai.soul.projections.export.ExportDocument.INCLUDE_ATTACHMENTS;
import static ai.soul.projections.export.ExportDocument.PROGRESS;
import static ai.soul.projections.export.ExportDocument.SIZE_BYTES;
import static ai.soul.projections.export.ExportDocument.STATUS;
import static ai.soul.projections.export.ExportDocument.VERSION;

/**
 * One document per export ({@link ExportDocument}). The request inserts it; every later event changes it
 * only when its sequence number is above the document's {@code version}, so a redelivered or replayed
 * event changes nothing.
 */
@Component
public class ExportProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<ExportDocument> exports;

    public ExportProjector(MongoDatabase db) {
        this.exports = db.getCollection(ExportDocument.COLLECTION, ExportDocument.class);
    }

    /** The account's list and the sweeper's queries; the embedded server uses an index whose keys are exactly the filter's. */
    @Override
    public void prepare() {
        exports.createIndex(Indexes.ascending(ACCOUNT_ID));
        exports.createIndex(Indexes.ascending(STATUS));
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<WriteModel<ExportDocument>> writes = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            long seq = event.sequence();
            Instant at = event.time();
            if (event.data() instanceof ExportRequested e) writes.add(requested(e, seq, at));
            else if (event.data() instanceof ExportProgressed e) writes.add(later(e.exportId(), seq, Updates.set(PROGRESS, e.progress())));
            else if (event.data() instanceof ExportCompleted e) writes.add(later(e.exportId(), seq, completed(e, at)));
            else if (event.data() instanceof ExportFailed e) writes.add(later(e.exportId(), seq, failed(e, at)));
            else if (event.data() instanceof ExportExpired e) writes.add(later(e.exportId(), seq, expired(at)));
            else if (event.data() instanceof ExportDeleted e) writes.add(later(e.exportId(), seq, deleted(at)));
        }
        BulkWrites.run(exports, writes);
    }

    private static WriteModel<ExportDocument> requested(ExportRequested e, long seq, Instant at) {
        return new UpdateOneModel<>(Filters.eq("_id", e.exportId()), Updates.combine(
                Updates.setOnInsert(ACCOUNT_ID, e.accountId()),
                Updates.setOnInsert(FORMAT, e.format()),
                Updates.setOnInsert(DATE_FROM, e.dateFrom()),
                Updates.setOnInsert(DATE_TO, e.dateTo()),
                Updates.setOnInsert(INCLUDE_ATTACHMENTS, e.includeAttachments()),
                Updates.setOnInsert(STATUS, "processing"),
                Updates.setOnInsert(PROGRESS, 0),
                Updates.setOnInsert(CREATED_AT, at),
                Updates.setOnInsert(VERSION, seq)), UPSERT);
    }

    private static Bson completed(ExportCompleted e, Instant at) {
        return Updates.combine(
                Updates.set(STATUS, "completed"),
                Updates.set(PROGRESS, 100),
                Updates.set(FILE_ID, e.fileId()),
                Updates.set(FILE_NAME, e.fileName()),
                Updates.set(CONTENT_TYPE, e.contentType()),
                Updates.set(SIZE_BYTES, e.sizeBytes()),
                Updates.set(CONVERSATIONS, e.conversations()),
                Updates.set(EXPIRES_AT, Instant.parse(e.expiresAt())),
                Updates.set(COMPLETED_AT, at));
    }

    private static Bson failed(ExportFailed e, Instant at) {
        return Updates.combine(Updates.set(STATUS, "failed"), Updates.set(ERROR, e.reason()), Updates.set(COMPLETED_AT, at));
    }

    private static Bson expired(Instant at) {
        return Updates.combine(Updates.set(STATUS, "expired"), Updates.set(EXPIRED_AT, at));
    }

    /** A tombstone that belongs to no account: gone from every read, and a redelivered request cannot bring it back. */
    private static Bson deleted(Instant at) {
        return Updates.combine(Updates.set(STATUS, "deleted"), Updates.unset(ACCOUNT_ID), Updates.unset(FILE_ID), Updates.set(DELETED_AT, at));
    }

    /** Applies the change only to a document that has not seen this event yet. */
    private static WriteModel<ExportDocument> later(String exportId, long seq, Bson change) {
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", exportId), Filters.lt(VERSION, seq)),
                Updates.combine(change, Updates.set(VERSION, seq)));
    }

    @Override
    public void reset() {
        exports.drop();
        prepare();
    }
}
