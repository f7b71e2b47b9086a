package ai.soul.projections.conversation;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of the conversation read models, always within one account. */
public class Conversations {

    static final String CONVERSATIONS = "conversations";
    static final String MESSAGES = "messages";

    private final MongoCollection<Document> conversations;
    private final MongoCollection<Document> messages;

    public Conversations(MongoDatabase db) {
        this.conversations = db.getCollection(CONVERSATIONS);
        this.messages = db.getCollection(MESSAGES);
    }

    public record Page(List<Document> items, long total) {
    }

    /** The conversation if it exists, is not deleted and belongs to the account. */
    public Optional<Document> find(String accountId, String conversationId) {
        Document doc = conversations.find(Filters.eq("_id", conversationId)).first();
        if (doc == null || !accountId.equals(doc.getString("account_id")) || doc.getBoolean("deleted", false)) {
            return Optional.empty();
        }
        return Optional.of(doc);
    }

    /**
     * A page of the account's conversations. {@code sort} is a field (created_at or updated_at),
     * descending when it starts with '-'; the id breaks ties so pages never overlap.
     */
    public Page list(String accountId, String status, String source, String sort, int page, int perPage) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("account_id", accountId), Filters.eq("deleted", false)));
        if (status != null) filters.add(Filters.eq("status", status));
        if (source != null) filters.add(Filters.eq("source", source));
        Bson filter = Filters.and(filters);
        boolean descending = sort.startsWith("-");
        String field = descending ? sort.substring(1) : sort;
        Bson order = descending ? Sorts.descending(field, "_id") : Sorts.ascending(field, "_id");
        List<Document> items = conversations.find(filter).sort(order)
                .skip((page - 1) * perPage).limit(perPage).into(new ArrayList<>());
        return new Page(items, conversations.countDocuments(filter));
    }

    /** A page of a conversation's messages, in the order they were posted. */
    public Page messages(String conversationId, int page, int perPage) {
        Bson filter = Filters.eq("conversation_id", conversationId);
        List<Document> items = messages.find(filter).sort(Sorts.ascending("index"))
                .skip((page - 1) * perPage).limit(perPage).into(new ArrayList<>());
        return new Page(items, messages.countDocuments(filter));
    }
}
