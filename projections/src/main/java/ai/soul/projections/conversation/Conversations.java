package ai.soul.projections.conversation;

import ai.soul.projections.Paging;
import ai.soul.projections.Paging.Page;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static ai.soul.projections.conversation.ConversationDocument.ACCOUNT_ID;
import static ai.soul.projections.conversation.ConversationDocument.CREATED_AT;
import static ai.soul.projections.conversation.ConversationDocument.DELETED;
import static ai.soul.projections.conversation.ConversationDocument.SOURCE;
import static ai.soul.projections.conversation.ConversationDocument.STATUS;
import static ai.soul.projections.conversation.ConversationDocument.UPDATED_AT;

/** Reads of the conversation read models, always within one account. */
@Component
public class Conversations {

    private final MongoCollection<ConversationDocument> conversations;
    private final MongoCollection<MessageDocument> messages;
    private final MongoCollection<SummaryDocument> summaries;

    public Conversations(MongoDatabase db) {
        this.conversations = db.getCollection(ConversationDocument.COLLECTION, ConversationDocument.class);
        this.messages = db.getCollection(MessageDocument.COLLECTION, MessageDocument.class);
        this.summaries = db.getCollection(SummaryDocument.COLLECTION, SummaryDocument.class);
    }

    /** A summary of the account's conversation, unless the conversation is deleted (its summaries go with it). */
    public Optional<SummaryDocument> summary(String accountId, String conversationId, String summaryId) {
        SummaryDocument summary = summaries.find(Filters.eq("_id", summaryId)).first();
        if (summary == null || !accountId.equals(summary.accountId()) || !conversationId.equals(summary.conversationId())
                || find(accountId, conversationId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(summary);
    }

    /** The conversation if it exists, is not deleted and belongs to the account. */
    public Optional<ConversationDocument> find(String accountId, String conversationId) {
        ConversationDocument conversation = conversations.find(Filters.eq("_id", conversationId)).first();
        if (conversation == null || !accountId.equals(conversation.accountId()) || conversation.deleted()) {
            return Optional.empty();
        }
        return Optional.of(conversation);
    }

    /**
     * A message of the conversation {@link #find} returned, by the message's id: looked up by the
     * index on {@code id} (the filter is exactly that key, so the embedded server uses it too), and
     * answered only when it is that conversation's.
     */
    public Optional<MessageDocument> message(ConversationDocument conversation, String messageId) {
        MessageDocument message = messages.find(Filters.eq(MessageDocument.ID, messageId)).first();
        if (message == null || !conversation.id().equals(message.conversationId())) {
            return Optional.empty();
        }
        return Optional.of(message);
    }

    /**
     * A page of the account's conversations. {@code sort} is created_at or updated_at,
     * descending when it starts with '-'; the id breaks ties so pages never overlap. Served by the
     * (account_id, created_at/updated_at) indexes on MongoDB; the embedded server scans.
     */
    public Page<ConversationDocument> list(String accountId, String status, String source, String sort, int page, int perPage) {
        return list(accountId, null, status, source, sort, page, perPage);
    }

    /** The same among the conversations with the given ids only (a search's matches), or all when {@code ids} is null. */
    public Page<ConversationDocument> list(String accountId, Collection<String> ids, String status, String source, String sort,
                                           int page, int perPage) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq(ACCOUNT_ID, accountId), Filters.eq(DELETED, false)));
        if (ids != null) filters.add(Filters.in("_id", ids));
        if (status != null) filters.add(Filters.eq(STATUS, status));
        if (source != null) filters.add(Filters.eq(SOURCE, source));
        Bson filter = Filters.and(filters);
        boolean descending = sort.startsWith("-");
        String field = switch (descending ? sort.substring(1) : sort) {
            case "created_at" -> CREATED_AT;
            case "updated_at" -> UPDATED_AT;
            default -> throw new IllegalArgumentException("Cannot sort by " + sort);
        };
        Bson order = descending ? Sorts.descending(field, "_id") : Sorts.ascending(field, "_id");
        List<ConversationDocument> items = conversations.find(filter).sort(order)
                .skip(Paging.skip(page, perPage)).limit(perPage).into(new ArrayList<>());
        return new Page<>(items, conversations.countDocuments(filter));
    }

    /**
     * The account's conversations created in [{@code from}, {@code until}) (either null for no
     * bound), oldest first: what an export holds.
     */
    public List<ConversationDocument> createdBetween(String accountId, Instant from, Instant until) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq(ACCOUNT_ID, accountId), Filters.eq(DELETED, false)));
        if (from != null) filters.add(Filters.gte(CREATED_AT, from));
        if (until != null) filters.add(Filters.lt(CREATED_AT, until));
        return conversations.find(Filters.and(filters)).sort(Sorts.ascending(CREATED_AT, "_id")).into(new ArrayList<>());
    }

    /**
     * A page of a conversation's messages, in the order they were posted. {@code conversation} is
     * the document {@link #find} returned: its message count is the total, and the page is the
     * messages at positions [(page - 1) * perPage, page * perPage) of it, fetched by _id. The
     * projector writes a message before the count that includes it, so every counted message is there.
     */
    public Page<MessageDocument> messages(ConversationDocument conversation, int page, int perPage) {
        int total = conversation.messageCount();
        long from = (long) (page - 1) * perPage;
        if (from >= total) {
            return new Page<>(List.of(), total);
        }
        int to = (int) Math.min(total, from + perPage);
        List<String> keys = new ArrayList<>(to - (int) from);
        for (int index = (int) from; index < to; index++) {
            keys.add(MessageDocument.key(conversation.id(), index));
        }
        List<MessageDocument> items = messages.find(Filters.in("_id", keys)).into(new ArrayList<>(keys.size()));
        items.sort(Comparator.comparing(MessageDocument::key));
        return new Page<>(items, total);
    }
}
