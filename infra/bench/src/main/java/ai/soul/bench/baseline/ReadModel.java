package ai.soul.bench.baseline;

import ai.soul.projections.conversation.Conversations;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.MessagePosted;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.Date;
import java.util.Map;

/**
 * The conversation read model as the system's projector keeps it (projections' ConversationProjector
 * and Conversations): the same collections and fields, a message keyed by conversation and position,
 * every write addressed by {@code _id} alone, which is all the embedded server can serve from an index
 * (the projector's compare-and-set on {@code {_id, version}} needs a second unique index there).
 * A message's effect on its conversation is written with {@code $max}, idempotent without a filter on
 * the version: the least work an idempotent projection can do per event.
 */
final class ReadModel {

    static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    final MongoCollection<Document> conversations;
    final MongoCollection<Document> messages;

    ReadModel(MongoDatabase db) {
        conversations = db.getCollection("conversations");
        messages = db.getCollection("messages");
        // The projector's (account_id, created_at/updated_at) indexes are for real MongoDB: the embedded
        // server ignores them (with a warning), so they cost nothing here and are left out.
    }

    /** The upsert of the conversation document that an event causes. */
    static UpdateOneModel<Document> conversationWrite(Traffic.Event event) {
        Date at = Date.from(event.at());
        if (event.payload() instanceof ConversationCreated e) {
            return new UpdateOneModel<>(Filters.eq("_id", e.conversationId()), Updates.combine(
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
                    Updates.setOnInsert("version", event.sequence())), UPSERT);
        }
        MessagePosted e = (MessagePosted) event.payload();
        Bson changes = Updates.combine(
                Updates.max("message_count", e.index() + 1),
                Updates.max("last_message_at", at),
                Updates.max("updated_at", at),
                Updates.max("version", event.sequence()));
        return new UpdateOneModel<>(Filters.eq("_id", e.conversationId()), changes, UPSERT);
    }

    /** The upsert of the message document, or null for an event that is not a message. */
    static UpdateOneModel<Document> messageWrite(Traffic.Event event) {
        if (!(event.payload() instanceof MessagePosted e)) {
            return null;
        }
        return new UpdateOneModel<>(Filters.eq("_id", Conversations.messageKey(e.conversationId(), e.index())), Updates.combine(
                Updates.setOnInsert("id", e.messageId()),
                Updates.setOnInsert("conversation_id", e.conversationId()),
                Updates.setOnInsert("account_id", e.accountId()),
                Updates.setOnInsert("index", e.index()),
                Updates.setOnInsert("role", e.role()),
                Updates.setOnInsert("content", e.content()),
                Updates.setOnInsert("created_at", Date.from(event.at()))), UPSERT);
    }

    /** A message document as it stands in the read model. */
    static Document messageDocument(String id, String conversationId, String accountId, int index, String content) {
        return new Document("_id", Conversations.messageKey(conversationId, index))
                .append("id", id)
                .append("conversation_id", conversationId)
                .append("account_id", accountId)
                .append("index", index)
                .append("role", index % 2 == 0 ? "user" : "agent")
                .append("content", content)
                .append("created_at", new Date());
    }
}
