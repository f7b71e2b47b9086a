package ai.soul.projections.attachment;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reads of the attachment read model, always within one account. */
@Component
public class Attachments {

    static final String ATTACHMENTS = "attachments";

    private final MongoCollection<Document> attachments;

    public Attachments(MongoDatabase db) {
        this.attachments = db.getCollection(ATTACHMENTS);
    }

    /** The attachment if it exists, is not deleted and belongs to the account. */
    public Optional<Document> find(String accountId, String attachmentId) {
        Document doc = attachments.find(Filters.eq("_id", attachmentId)).first();
        if (doc == null || !accountId.equals(doc.getString("account_id")) || doc.getBoolean("deleted", false)) {
            return Optional.empty();
        }
        return Optional.of(doc);
    }

    /** A conversation's attachments in the order they were added (their ids are ULIDs). */
    public List<Document> of(String conversationId) {
        List<Document> found = new ArrayList<>();
        for (Document doc : attachments.find(Filters.eq("conversation_id", conversationId))) {
            if (!doc.getBoolean("deleted", false)) {
                found.add(doc);
            }
        }
        found.sort(Comparator.comparing(d -> d.getString("_id")));
        return found;
    }
}
