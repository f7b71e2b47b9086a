package ai.soul.projections;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.WriteModel;

import java.util.List;

/**
 * Runs a batch of read-model writes in order, in one round trip where possible. Every write of a
 * projector is guarded by the event's sequence number; a guarded upsert of an event that was
 * already applied finds no matching document, tries to insert and hits the unique _id: that
 * duplicate is the "already applied" answer, so it is skipped and the rest of the batch goes on.
 */
public final class BulkWrites {

    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);
    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);

    private BulkWrites() {
    }

    public static <T> void run(MongoCollection<T> collection, List<? extends WriteModel<? extends T>> writes) {
        int from = 0;
        while (from < writes.size()) {
            List<? extends WriteModel<? extends T>> rest = writes.subList(from, writes.size());
            try {
                collection.bulkWrite(rest, ORDERED);
                return;
            } catch (MongoBulkWriteException e) {
                var error = e.getWriteErrors().get(0);
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                from += error.getIndex() + 1;
            }
        }
    }

    /**
     * Inserts documents that are written once and never change, in any order and one round trip;
     * a document whose _id is there already was inserted by an earlier delivery and is skipped.
     */
    public static <T> void insertNew(MongoCollection<T> collection, List<? extends T> documents) {
        if (documents.isEmpty()) {
            return;
        }
        try {
            collection.insertMany(documents, UNORDERED);
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
    }
}
