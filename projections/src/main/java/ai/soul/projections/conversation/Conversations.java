package ai.soul.projections.conversation;

import ai.soul.projections.Paging;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.springframework.stereotype.Component;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads of the conversation read models, always within one account. */
@Component
public class Conversations {

    static final String CONVERSATIONS = "conversations";
    static final String MESSAGES = "messages";
    static final String SUMMARIES = "summaries";

    private static final String ZEROS = "0000000000";

    private final MongoCollection<Document> conversations;
    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> summaries;

    public Conversations(MongoDatabase db) {
        this.conversations = db.getCollection(CONVERSATIONS);
        this.messages = db.getCollection(MESSAGES);
        this.summaries = db.getCollection(SUMMARIES);
    }

    /** A summary of the account's conversation, unless the conversation is deleted (its summaries go with it). */
    public Optional<Document> summary(String accountId, String conversationId, String summaryId) {
        Document doc = summaries.find(Filters.eq("_id", summaryId)).first();
        if (doc == null || !accountId.equals(doc.getString("account_id")) || !conversationId.equals(doc.getString("conversation_id"))
                || find(accountId, conversationId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(doc);
    }

    public record Page(List<Document> items, long total) {
    }

    /**
     * The {@code _id} of a message document: the conversation and the message's position in it,
     * zero-padded to 10 digits (any int fits), so a page of messages is a set of _ids computed from
     * the conversation's message count, and the _ids of one conversation sort in posting order.
     */
    public static String messageKey(String conversationId, int index) {
        String digits = Integer.toString(index);
        return conversationId + "/" + ZEROS.substring(Math.min(digits.length(), ZEROS.length())) + digits;
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
     * A message of the conversation {@link #find} returned, by the message's id: looked up by the
     * index on {@code id} (the filter is exactly that key, so the embedded server uses it too), and
     * answered only when it is that conversation's.
     */
    public Optional<Document> message(Document conversation, String messageId) {
        Document message = messages.find(Filters.eq("id", messageId)).first();
        if (message == null || !conversation.getString("_id").equals(message.getString("conversation_id"))) {
            return Optional.empty();
        }
        return Optional.of(message);
    }

    /**
     * A page of the account's conversations. {@code sort} is a field (created_at or updated_at),
     * descending when it starts with '-'; the id breaks ties so pages never overlap. Served by the
     * (account_id, created_at/updated_at) indexes on MongoDB; the embedded server scans.
     */
    public Page list(String accountId, String status, String source, String sort, int page, int perPage) {
        return list(accountId, null, status, source, sort, page, perPage);
    }

    /** The same among the conversations with the given ids only (a search's matches), or all when {@code ids} is null. */
    public Page list(String accountId, Collection<String> ids, String status, String source, String sort, int page, int perPage) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("account_id", accountId), Filters.eq("deleted", false)));
        if (ids != null) filters.add(Filters.in("_id", ids));
        if (status != null) filters.add(Filters.eq("status", status));
        if (source != null) filters.add(Filters.eq("source", source));
        Bson filter = Filters.and(filters);
        boolean descending = sort.startsWith("-");
        String field = descending ? sort.substring(1) : sort;
        Bson order = descending ? Sorts.descending(field, "_id") : Sorts.ascending(field, "_id");
        List<Document> items = conversations.find(filter).sort(order)
                .skip(Paging.skip(page, perPage)).limit(perPage).into(new ArrayList<>());
        return new Page(items, conversations.countDocuments(filter));
    }

    /**
     * The account's conversations created in [{@code from}, {@code until}) (either null for no
     * bound), oldest first: what an export holds.
     */
    public List<Document> createdBetween(String accountId, java.time.Instant from, java.time.Instant until) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("account_id", accountId), Filters.eq("deleted", false)));
        if (from != null) filters.add(Filters.gte("created_at", java.util.Date.from(from)));
        if (until != null) filters.add(Filters.lt("created_at", java.util.Date.from(until)));
        return conversations.find(Filters.and(filters)).sort(Sorts.ascending("created_at", "_id")).into(new ArrayList<>());
    }

    /**
     * A page of a conversation's messages, in the order they were posted. {@code conversation} is
     * the document {@link #find} returned: its {@code message_count} is the total, and the page is
     * the messages at positions [(page - 1) * perPage, page * perPage) of it, fetched by _id. The
     * projector writes a message before the count that includes it, so every counted message is there.
     */
    public Page messages(Document conversation, int page, int perPage) {
        String conversationId = conversation.getString("_id");
        Object counted = conversation.get("message_count");
        int total = counted instanceof Number number ? number.intValue() : 0;
        long from = (long) (page - 1) * perPage;
        if (from >= total) {
            return new Page(List.of(), total);
        }
        int to = (int) Math.min(total, from + perPage);
        List<String> keys = new ArrayList<>(to - (int) from);
        for (int index = (int) from; index < to; index++) {
            keys.add(messageKey(conversationId, index));
        }
        List<Document> items = messages.find(Filters.in("_id", keys)).into(new ArrayList<>(keys.size()));
        items.sort(Comparator.comparing(message -> message.getString("_id")));
        return new Page(items, total);
    }
}
