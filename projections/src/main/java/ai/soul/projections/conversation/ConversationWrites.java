package ai.soul.projections.conversation;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.VersionedChanges;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static ai.soul.projections.VersionedChanges.UNSET;
import static ai.soul.projections.conversation.ConversationDocument.ACCOUNT_ID;
import static ai.soul.projections.conversation.ConversationDocument.AGENT_ID;
import static ai.soul.projections.conversation.ConversationDocument.CONTENT;
import static ai.soul.projections.conversation.ConversationDocument.CREATED_AT;
import static ai.soul.projections.conversation.ConversationDocument.DELETED;
import static ai.soul.projections.conversation.ConversationDocument.LAST_MESSAGE_AT;
import static ai.soul.projections.conversation.ConversationDocument.LLM_ID;
import static ai.soul.projections.conversation.ConversationDocument.MESSAGE_COUNT;
import static ai.soul.projections.conversation.ConversationDocument.METADATA;
import static ai.soul.projections.conversation.ConversationDocument.PENDING_REPLIES;
import static ai.soul.projections.conversation.ConversationDocument.SOURCE;
import static ai.soul.projections.conversation.ConversationDocument.STATUS;
import static ai.soul.projections.conversation.ConversationDocument.SUMMARY;
import static ai.soul.projections.conversation.ConversationDocument.SUMMARY_IDS;
import static ai.soul.projections.conversation.ConversationDocument.SYSTEM_PROMPT;
import static ai.soul.projections.conversation.ConversationDocument.TITLE;
import static ai.soul.projections.conversation.ConversationDocument.UPDATED_AT;
import static ai.soul.projections.conversation.ConversationDocument.VERSION;

/**
 * What one batch writes to the conversations read model ({@link ConversationDocument}): the creation
 * once, then the changes of each new event, one compare-and-set per conversation ({@link VersionedChanges}).
 * The document also keeps the ledger the three read models share (pending replies, summary ids).
 */
final class ConversationWrites {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final VersionedChanges<ConversationDocument> changes = new VersionedChanges<>();

    /** An event of the conversation whose ledger, before the event, is {@code ledger} (null: no document). */
    void on(ConversationEvent event, ConversationLedger ledger, long seq, Instant at) {
        if (ledger == null) {
            if (event instanceof ConversationCreated e) created(e, seq, at);
            return;
        }
        if (!ledger.isNew(seq)) {
            return;
        }
        if (event instanceof ConversationUpdated e) change(ledger, seq, updated(e, at));
        else if (event instanceof MessagePosted e) change(ledger, seq, messaged(e.index(), at));
        else if (event instanceof ConversationDeleted) change(ledger, seq, deleted(at));
        else if (event instanceof AgentReplyRequested e) change(ledger, seq, Map.of(PENDING_REPLIES + "." + e.inReplyTo(), ledger.messageCount - 1));
        else if (event instanceof AgentReplied e) change(ledger, seq, replied(e, at));
        else if (event instanceof AgentReplyFailed e) change(ledger, seq, Map.of(PENDING_REPLIES + "." + e.inReplyTo(), UNSET));
        else if (event instanceof SummaryRequested e) change(ledger, seq, fields(STATUS, "processing", SUMMARY_IDS + "." + e.summaryId(), true));
        else if (event instanceof SummaryGenerated e) change(ledger, seq, fields(STATUS, "completed", SUMMARY, summary(e)));
        else if (event instanceof SummaryFailed) change(ledger, seq, Map.of(STATUS, "failed"));
    }

    /** The document, once: a replay of the creation finds it and changes nothing. */
    private void created(ConversationCreated e, long seq, Instant at) {
        changes.add(new UpdateOneModel<>(Filters.eq("_id", e.conversationId()), Updates.combine(
                Updates.setOnInsert(ACCOUNT_ID, e.accountId()),
                Updates.setOnInsert(TITLE, e.title()),
                Updates.setOnInsert(CONTENT, e.content()),
                Updates.setOnInsert(SOURCE, e.source()),
                Updates.setOnInsert(STATUS, "processing"),
                Updates.setOnInsert(METADATA, new Document(e.metadata() == null ? Map.of() : e.metadata())),
                Updates.setOnInsert(SYSTEM_PROMPT, e.systemPrompt()),
                Updates.setOnInsert(LLM_ID, e.llmId()),
                Updates.setOnInsert(AGENT_ID, e.agentId()),
                Updates.setOnInsert(SUMMARY, null),
                Updates.setOnInsert(MESSAGE_COUNT, 0),
                Updates.setOnInsert(CREATED_AT, at),
                Updates.setOnInsert(UPDATED_AT, at),
                Updates.setOnInsert(LAST_MESSAGE_AT, null),
                Updates.setOnInsert(DELETED, false),
                Updates.setOnInsert(VERSION, seq)), UPSERT));
    }

    /** The fields the update set; a metadata key set to null is removed. */
    private static Map<String, Object> updated(ConversationUpdated e, Instant at) {
        Map<String, Object> fields = new LinkedHashMap<>();
        putIfPresent(fields, TITLE, e.title());
        putIfPresent(fields, CONTENT, e.content());
        putIfPresent(fields, SYSTEM_PROMPT, e.systemPrompt());
        putIfPresent(fields, LLM_ID, e.llmId());
        putIfPresent(fields, AGENT_ID, e.agentId());
        if (e.metadata() != null) {
            // keys never hold '.' or start with '$' (a domain rule), so each is a plain field path
            e.metadata().forEach((key, value) -> fields.put(METADATA + "." + key, value == null ? UNSET : value));
        }
        fields.put(UPDATED_AT, at);
        return fields;
    }

    private static Map<String, Object> messaged(int index, Instant at) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(MESSAGE_COUNT, index + 1);
        fields.put(LAST_MESSAGE_AT, at);
        fields.put(UPDATED_AT, at);
        return fields;
    }

    private static Map<String, Object> replied(AgentReplied e, Instant at) {
        Map<String, Object> fields = messaged(e.index(), at);
        fields.put(PENDING_REPLIES + "." + e.inReplyTo(), UNSET);
        return fields;
    }

    /** What the conversation said is gone; the tombstone keeps a replay from resurrecting it. */
    private static Map<String, Object> deleted(Instant at) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(DELETED, true);
        fields.put(TITLE, null);
        fields.put(CONTENT, null);
        fields.put(METADATA, new Document());
        fields.put(SYSTEM_PROMPT, null);
        fields.put(SUMMARY, null);
        fields.put(UPDATED_AT, at);
        return fields;
    }

    /** Two fields in this order (a field new to the document is added in the order of the update). */
    private static Map<String, Object> fields(String first, Object firstValue, String second, Object secondValue) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(first, firstValue);
        fields.put(second, secondValue);
        return fields;
    }

    private static ConversationDocument.Summary summary(SummaryGenerated e) {
        return new ConversationDocument.Summary(e.title(), e.content(), e.sentiment(), e.topics(), e.actionItems());
    }

    private void change(ConversationLedger ledger, long seq, Map<String, ?> fields) {
        changes.change(ledger.id, ledger.version, seq, fields);
    }

    private static void putIfPresent(Map<String, Object> fields, String field, Object value) {
        if (value != null) {
            fields.put(field, value);
        }
    }

    void write(MongoCollection<ConversationDocument> conversations) {
        BulkWrites.run(conversations, changes.writes());
    }
}
