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
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static ai.soul.projections.attachment.AttachmentDocument.ACCOUNT_ID;
import static ai.soul.projections.attachment.AttachmentDocument.CONVERSATION_ID;
import static ai.soul.projections.attachment.AttachmentDocument.CREATED_AT;
import static ai.soul.projections.attachment.AttachmentDocument.DELETED;
import static ai.soul.projections.attachment.AttachmentDocument.FILENAME;
import static ai.soul.projections.attachment.AttachmentDocument.MIME_TYPE;
import static ai.soul.projections.attachment.AttachmentDocument.SHA256;
import static ai.soul.projections.attachment.AttachmentDocument.SIZE;
import static ai.soul.projections.attachment.AttachmentDocument.STORAGE_ID;
import static ai.soul.projections.attachment.AttachmentDocument.VERSION;

/**
 * Attachment metadata ({@link AttachmentDocument}), one document per attachment. An attachment is added
 * once and deleted once, for good: the addition only ever inserts, and the deletion leaves a tombstone,
 * so a redelivered or replayed addition finds the document and changes nothing, whatever came after it.
 */
@Component
public class AttachmentProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<AttachmentDocument> attachments;

    public AttachmentProjector(MongoDatabase db) {
        this.attachments = db.getCollection(AttachmentDocument.COLLECTION, AttachmentDocument.class);
    }

    /** The list of a conversation's attachments; the embedded server uses an index whose keys are exactly the filter's. */
    @Override
    public void prepare() {
        attachments.createIndex(Indexes.ascending(CONVERSATION_ID));
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<WriteModel<AttachmentDocument>> writes = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            if (event.data() instanceof AttachmentAdded e) writes.add(added(e, event.sequence(), event.time()));
            else if (event.data() instanceof AttachmentDeleted e) writes.add(deleted(e, event.sequence()));
        }
        BulkWrites.run(attachments, writes);
    }

    private static WriteModel<AttachmentDocument> added(AttachmentAdded e, long seq, Instant at) {
        return new UpdateOneModel<>(Filters.eq("_id", e.attachmentId()), Updates.combine(
                Updates.setOnInsert(CONVERSATION_ID, e.conversationId()),
                Updates.setOnInsert(ACCOUNT_ID, e.accountId()),
                Updates.setOnInsert(FILENAME, e.filename()),
                Updates.setOnInsert(MIME_TYPE, e.mimeType()),
                Updates.setOnInsert(SIZE, e.size()),
                Updates.setOnInsert(SHA256, e.sha256()),
                Updates.setOnInsert(STORAGE_ID, e.storageId()),
                Updates.setOnInsert(CREATED_AT, at),
                Updates.setOnInsert(DELETED, false),
                Updates.setOnInsert(VERSION, seq)), UPSERT);
    }

    /** The name and digest go with the file; the tombstone keeps a replayed addition from resurrecting it. */
    private static WriteModel<AttachmentDocument> deleted(AttachmentDeleted e, long seq) {
        return new UpdateOneModel<>(Filters.eq("_id", e.attachmentId()), Updates.combine(
                Updates.set(DELETED, true),
                Updates.set(FILENAME, null),
                Updates.set(SHA256, null),
                Updates.set(VERSION, seq),
                Updates.setOnInsert(CONVERSATION_ID, e.conversationId()),
                Updates.setOnInsert(ACCOUNT_ID, e.accountId()),
                Updates.setOnInsert(SIZE, e.size())), UPSERT);
    }

    @Override
    public void reset() {
        attachments.drop();
        prepare();
    }
}
