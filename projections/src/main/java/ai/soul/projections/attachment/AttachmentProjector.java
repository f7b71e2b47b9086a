package ai.soul.projections.attachment;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Attachment metadata (the bytes are in GridFS, under {@code storage_id}), one document per
 * attachment keyed by its id. An attachment is added once and deleted once, for good: the addition
 * only ever inserts, and the deletion leaves a tombstone, so a redelivered or replayed addition
 * finds the document and changes nothing, whatever came after it.
 */
@Component
public class AttachmentProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> attachments;

    public AttachmentProjector(MongoDatabase db) {
        this.attachments = db.getCollection(Attachments.ATTACHMENTS);
    }

    @Override
    public void prepare() {
        createIndexes();
    }

    /** The list of a conversation's attachments; the embedded server uses an index whose keys are exactly the filter's. */
    private void createIndexes() {
        attachments.createIndex(Indexes.ascending("conversation_id"));
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            Date at = Date.from(event.time());
            if (event.data() instanceof AttachmentAdded e) {
                writes.add(new UpdateOneModel<>(Filters.eq("_id", e.attachmentId()), Updates.combine(
                        Updates.setOnInsert("conversation_id", e.conversationId()),
                        Updates.setOnInsert("account_id", e.accountId()),
                        Updates.setOnInsert("filename", e.filename()),
                        Updates.setOnInsert("mime_type", e.mimeType()),
                        Updates.setOnInsert("size", e.size()),
                        Updates.setOnInsert("sha256", e.sha256()),
                        Updates.setOnInsert("storage_id", e.storageId()),
                        Updates.setOnInsert("created_at", at),
                        Updates.setOnInsert("deleted", false),
                        Updates.setOnInsert("version", event.sequence())), UPSERT));
            } else if (event.data() instanceof AttachmentDeleted e) {
                // the name and digest go with the file; the tombstone keeps a replayed addition from resurrecting it
                writes.add(new UpdateOneModel<>(Filters.eq("_id", e.attachmentId()), Updates.combine(
                        Updates.set("deleted", true),
                        Updates.set("filename", null),
                        Updates.set("sha256", null),
                        Updates.set("version", event.sequence()),
                        Updates.setOnInsert("conversation_id", e.conversationId()),
                        Updates.setOnInsert("account_id", e.accountId()),
                        Updates.setOnInsert("size", e.size())), UPSERT));
            }
        }
        BulkWrites.run(attachments, writes);
    }

    @Override
    public void reset() {
        attachments.drop();
        createIndexes();
    }
}
