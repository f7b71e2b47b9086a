package ai.soul.projections.conversation;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ai.soul.projections.conversation.Conversations.CONVERSATIONS;
import static ai.soul.projections.conversation.Conversations.MESSAGES;

/**
 * Conversations and their messages. Each conversation document carries {@code version}, the
 * sequence number of the last event applied to it; every change is conditional on a lower
 * version, so a redelivered event matches nothing and changes nothing.
 */
public class ConversationProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> conversations;
    private final MongoCollection<Document> messages;

    public ConversationProjector(MongoDatabase db) {
        this.conversations = db.getCollection(CONVERSATIONS);
        this.messages = db.getCollection(MESSAGES);
        createIndexes();
    }

    /** The indexes real MongoDB serves the list and the message pages from. */
    private void createIndexes() {
        conversations.createIndex(Indexes.compoundIndex(Indexes.ascending("account_id"), Indexes.descending("created_at")));
        conversations.createIndex(Indexes.compoundIndex(Indexes.ascending("account_id"), Indexes.descending("updated_at")));
        messages.createIndex(Indexes.compoundIndex(Indexes.ascending("conversation_id"), Indexes.ascending("index")),
                new IndexOptions().unique(true));
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<WriteModel<Document>> conversationWrites = new ArrayList<>();
        List<WriteModel<Document>> messageWrites = new ArrayList<>();
        List<String> messageConversations = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            Date at = Date.from(event.time());
            long seq = event.sequence();
            if (event.data() instanceof ConversationCreated e) {
                conversationWrites.add(new UpdateOneModel<>(Filters.eq("_id", e.conversationId()), Updates.combine(
                        Updates.setOnInsert("account_id", e.accountId()),
                        Updates.setOnInsert("title", e.title()),
                        Updates.setOnInsert("content", e.content()),
                        Updates.setOnInsert("source", e.source()),
                        Updates.setOnInsert("status", "processing"),
                        Updates.setOnInsert("metadata", new Document(e.metadata() == null ? Map.of() : e.metadata())),
                        Updates.setOnInsert("system_prompt", e.systemPrompt()),
                        Updates.setOnInsert("llm_id", e.llmId()),
                        Updates.setOnInsert("agent_id", e.agentId()),
                        Updates.setOnInsert("summary", null),
                        Updates.setOnInsert("message_count", 0),
                        Updates.setOnInsert("created_at", at),
                        Updates.setOnInsert("updated_at", at),
                        Updates.setOnInsert("last_message_at", null),
                        Updates.setOnInsert("deleted", false),
                        Updates.setOnInsert("version", seq)), UPSERT));
            } else if (event.data() instanceof ConversationUpdated e) {
                List<Bson> changes = new ArrayList<>();
                setIfPresent(changes, "title", e.title());
                setIfPresent(changes, "content", e.content());
                setIfPresent(changes, "system_prompt", e.systemPrompt());
                setIfPresent(changes, "llm_id", e.llmId());
                setIfPresent(changes, "agent_id", e.agentId());
                if (e.metadata() != null) {
                    // keys never hold '.' or start with '$' (a domain rule), so each is a plain field path
                    e.metadata().forEach((key, value) ->
                            changes.add(value == null ? Updates.unset("metadata." + key) : Updates.set("metadata." + key, value)));
                }
                changes.add(Updates.set("updated_at", at));
                conversationWrites.add(guarded(e.conversationId(), seq, changes));
            } else if (event.data() instanceof MessagePosted e) {
                messageWrites.add(new UpdateOneModel<>(Filters.eq("_id", e.messageId()), Updates.combine(
                        Updates.setOnInsert("conversation_id", e.conversationId()),
                        Updates.setOnInsert("account_id", e.accountId()),
                        Updates.setOnInsert("index", e.index()),
                        Updates.setOnInsert("role", e.role()),
                        Updates.setOnInsert("content", e.content()),
                        Updates.setOnInsert("created_at", at)), UPSERT));
                messageConversations.add(e.conversationId());
                conversationWrites.add(guarded(e.conversationId(), seq, List.of(
                        Updates.set("message_count", e.index() + 1),
                        Updates.set("last_message_at", at),
                        Updates.set("updated_at", at))));
            } else if (event.data() instanceof ConversationDeleted e) {
                // what the conversation said is gone; the tombstone keeps a replay from resurrecting it
                conversationWrites.add(guarded(e.conversationId(), seq, List.of(
                        Updates.set("deleted", true),
                        Updates.set("title", null),
                        Updates.set("content", null),
                        Updates.set("metadata", new Document()),
                        Updates.set("system_prompt", null),
                        Updates.set("updated_at", at))));
                deleted.add(e.conversationId());
            }
        }
        BulkWrites.run(conversations, conversationWrites);
        BulkWrites.run(messages, withoutDeletedConversations(messageWrites, messageConversations));
        if (!deleted.isEmpty()) {
            messages.deleteMany(Filters.in("conversation_id", deleted));
        }
    }

    /**
     * A message is keyed by its own id, not guarded by the conversation's version: a redelivered
     * message of a conversation that has since been deleted would insert it again. The tombstone
     * says the conversation and its messages are gone, so such writes are dropped.
     */
    private List<WriteModel<Document>> withoutDeletedConversations(List<WriteModel<Document>> writes, List<String> conversationIds) {
        if (writes.isEmpty()) {
            return writes;
        }
        Set<String> gone = conversations.find(Filters.and(Filters.in("_id", new HashSet<>(conversationIds)), Filters.eq("deleted", true)))
                .projection(Projections.include("_id"))
                .map(doc -> doc.getString("_id"))
                .into(new HashSet<>());
        if (gone.isEmpty()) {
            return writes;
        }
        List<WriteModel<Document>> kept = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            if (!gone.contains(conversationIds.get(i))) {
                kept.add(writes.get(i));
            }
        }
        return kept;
    }

    private static void setIfPresent(List<Bson> changes, String field, Object value) {
        if (value != null) {
            changes.add(Updates.set(field, value));
        }
    }

    private static UpdateOneModel<Document> guarded(String id, long seq, List<Bson> changes) {
        List<Bson> all = new ArrayList<>(changes);
        all.add(Updates.set("version", seq));
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", id), Filters.lt("version", seq)), Updates.combine(all));
    }

    @Override
    public void reset() {
        conversations.drop();
        messages.drop();
        createIndexes();
    }
}
