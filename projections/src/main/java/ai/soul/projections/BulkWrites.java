package ai.soul.projections;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

import java.util.List;

/**
 * Runs a batch of read-model writes in order, in one round trip where possible. Every write of a
 * projector is guarded by the event's sequence number; a guarded upsert of an event that was
 * already applied finds no matching document, tries to insert and hits the unique _id: that
 * duplicate is the "already applied" answer, so it is skipped and the rest of the batch goes on.
 */
public final class BulkWrites {

    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);

    private BulkWrites() {
    }

    public static void run(MongoCollection<Document> collection, List<WriteModel<Document>> writes) {
        int from = 0;
        while (from < writes.size()) {
            List<WriteModel<Document>> rest = writes.subList(from, writes.size());
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
}
