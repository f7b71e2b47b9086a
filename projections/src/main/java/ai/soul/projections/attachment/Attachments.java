package ai.soul.projections.attachment;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static ai.soul.projections.attachment.AttachmentDocument.CONVERSATION_ID;

/** Reads of the attachment read model, always within one account. */
@Component
public class Attachments {

    private final MongoCollection<AttachmentDocument> attachments;

    public Attachments(MongoDatabase db) {
        this.attachments = db.getCollection(AttachmentDocument.COLLECTION, AttachmentDocument.class);
    }

    /** The attachment if it exists, is not deleted and belongs to the account. */
    public Optional<AttachmentDocument> find(String accountId, String attachmentId) {
        AttachmentDocument attachment = attachments.find(Filters.eq("_id", attachmentId)).first();
        if (attachment == null || !accountId.equals(attachment.accountId()) || attachment.deleted()) {
            return Optional.empty();
        }
        return Optional.of(attachment);
    }

    /** A conversation's attachments in the order they were added (their ids are ULIDs). */
    public List<AttachmentDocument> of(String conversationId) {
        List<AttachmentDocument> found = new ArrayList<>();
        for (AttachmentDocument attachment : attachments.find(Filters.eq(CONVERSATION_ID, conversationId))) {
            if (!attachment.deleted()) {
                found.add(attachment);
            }
        }
        found.sort(Comparator.comparing(AttachmentDocument::id));
        return found;
    }
}
