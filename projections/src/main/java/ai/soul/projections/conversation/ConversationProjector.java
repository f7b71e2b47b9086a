package ai.soul.projections.conversation;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
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
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ai.soul.projections.conversation.Conversations.CONVERSATIONS;
import static ai.soul.projections.conversation.Conversations.MESSAGES;
import static ai.soul.projections.conversation.Conversations.SUMMARIES;
import static ai.soul.projections.conversation.Conversations.messageKey;

/**
 * Conversations and their messages. Each conversation document carries {@code version}, the
 * sequence number of the last event applied to it. A batch first reads the version, deleted flag
 * and message count of the conversations it touches (one query by _id), decides in memory which
 * events are new, and writes only those, as one compare-and-set on {_id, version} per conversation
 * (usually): a redelivered event writes nothing, and a writer that raced ahead makes the write
 * match nothing.
 * <p>
 * Every read and write here goes by _id (or by {_id, version}, a unique index), so its cost does
 * not grow with the history, also on the embedded server, which uses no other kind of index.
 * A message is keyed by conversation and position ({@link Conversations#messageKey}); its public
 * id is the field {@code id}.
 * <p>
 * Agent replies are messages like the others. A user message shows {@code reply_status} (pending,
 * completed, failed) and {@code reply_error}: the conversation keeps the positions of the messages
 * awaiting a reply ({@code pending_replies}, message id → index), so the outcome, which names the
 * message by id, updates the message by _id too. Summaries are documents of their own, keyed by
 * summary id; the conversation shows the last one written ({@code summary}) and {@code status}
 * (processing while one is being written, then completed or failed), and keeps the ids of its
 * summaries ({@code summary_ids}) so a deletion removes them by _id.
 */
@Component
public class ConversationProjector implements Projector {

    private static final System.Logger log = System.getLogger(ConversationProjector.class.getName());

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final int DELETE_CHUNK = 1_000;
    /** The unique index of the first message layout (messages keyed by their own id). */
    private static final String LEGACY_MESSAGE_INDEX = "conversation_id_1_index_1";

    private final MongoCollection<Document> conversations;
    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> summaries;

    public ConversationProjector(MongoDatabase db) {
        this.conversations = db.getCollection(CONVERSATIONS);
        this.messages = db.getCollection(MESSAGES);
        this.summaries = db.getCollection(SUMMARIES);
    }

    @Override
    public void prepare() {
        dropLegacyMessages();
        createIndexes();
    }

    /**
     * Messages of the first layout cannot be read by position, and their (conversation, index)
     * index would reject the new documents as duplicates. That layout kept its consumer offsets in
     * Kafka only: with no offsets stored next to the read models, the runner reads the log from the
     * beginning, which writes the messages anew (conversations are unchanged; the replay skips them).
     */
    private void dropLegacyMessages() {
        for (Document index : messages.listIndexes()) {
            if (LEGACY_MESSAGE_INDEX.equals(index.getString("name"))) {
                log.log(System.Logger.Level.WARNING,
                        "Messages in the old layout (keyed by message id): dropping them, the log rebuilds them");
                messages.drop();
                return;
            }
        }
    }

    /**
     * The (account_id, created_at/updated_at) indexes serve the list on MongoDB. The unique
     * {_id, version} index makes the compare-and-set of every change a lookup on the embedded
     * server too (it only uses an index whose keys are exactly the filter's keys); on MongoDB the
     * _id index alone would do. Messages need no index besides _id.
     */
    private void createIndexes() {
        conversations.createIndex(Indexes.compoundIndex(Indexes.ascending("account_id"), Indexes.descending("created_at")));
        conversations.createIndex(Indexes.compoundIndex(Indexes.ascending("account_id"), Indexes.descending("updated_at")));
        conversations.createIndex(Indexes.compoundIndex(Indexes.ascending("_id"), Indexes.ascending("version")),
                new IndexOptions().unique(true));
    }

    /** A field removed by an update ($unset), as opposed to set to a value. */
    private static final Object UNSET = new Object();

    /**
     * What a batch needs to know of a conversation, as stored before the batch and then as the batch
     * changes it, and the changes of the batch not written yet: the events of one conversation in a
     * batch become one update (field by field, the last value wins), guarded by the version stored
     * before the first of them.
     */
    private static final class State {
        final String id;
        long version;
        boolean deleted;
        int messageCount;
        /** User messages awaiting a reply: message id → index. */
        final Map<String, Integer> pendingReplies = new HashMap<>();
        final Set<String> summaryIds = new LinkedHashSet<>();
        final Map<String, Object> pending = new LinkedHashMap<>();
        long pendingFrom;

        State(String id, long version, boolean deleted, int messageCount) {
            this.id = id;
            this.version = version;
            this.deleted = deleted;
            this.messageCount = messageCount;
        }

        /** An event not applied yet: later in its conversation than the last one applied. */
        boolean isNew(long seq) {
            return seq > version;
        }

        /** Adds the changes of event {@code seq}; writes what is pending first when the two cannot be one update. */
        void change(long seq, Map<String, Object> changes, List<WriteModel<Document>> writes) {
            if (conflicts(changes)) {
                flush(writes);
            }
            if (pending.isEmpty()) {
                pendingFrom = version;
            }
            pending.putAll(changes);
            version = seq;
        }

        /**
         * A path that is a prefix of a pending one (or the other way round) cannot be in the same
         * update, and a field set after it was removed (or removed after it was set) is written
         * in two, so that the fields end up in the same order however the log is cut into batches.
         */
        private boolean conflicts(Map<String, Object> changes) {
            for (Map.Entry<String, Object> change : changes.entrySet()) {
                String path = change.getKey();
                if (pending.containsKey(path)) {
                    if ((pending.get(path) == UNSET) != (change.getValue() == UNSET)) {
                        return true;
                    }
                    continue;
                }
                for (String other : pending.keySet()) {
                    if (other.startsWith(path + ".") || path.startsWith(other + ".")) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The pending changes as one compare-and-set on {_id, version}. */
        void flush(List<WriteModel<Document>> writes) {
            if (pending.isEmpty()) {
                return;
            }
            Document set = new Document();
            Document unset = new Document();
            pending.forEach((path, value) -> {
                if (value == UNSET) {
                    unset.append(path, "");
                } else {
                    set.append(path, value);
                }
            });
            set.append("version", version);
            Document update = new Document("$set", set);
            if (!unset.isEmpty()) {
                update.append("$unset", unset);
            }
            // a plain {_id, version} document: Filters.and would render as $and, which no index of the embedded server serves
            writes.add(new UpdateOneModel<>(new Document("_id", id).append("version", pendingFrom), update));
            pending.clear();
        }
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        Set<String> touched = new LinkedHashSet<>();
        for (PublishedEvent<?> event : batch) {
            String id = conversationOf(event.data());
            if (id != null) {
                touched.add(id);
            }
        }
        if (touched.isEmpty()) {
            return;
        }
        Map<String, State> states = load(touched);
        List<WriteModel<Document>> conversationWrites = new ArrayList<>();
        List<Document> messageWrites = new ArrayList<>();
        List<WriteModel<Document>> messageUpdates = new ArrayList<>();
        List<Document> summaryWrites = new ArrayList<>();
        List<WriteModel<Document>> summaryUpdates = new ArrayList<>();
        Map<String, Integer> deletions = new LinkedHashMap<>();
        Set<String> summaryDeletions = new LinkedHashSet<>();
        for (PublishedEvent<?> event : batch) {
            Date at = Date.from(event.time());
            long seq = event.sequence();
            if (event.data() instanceof ConversationCreated e) {
                if (states.containsKey(e.conversationId())) {
                    continue; // created already
                }
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
                states.put(e.conversationId(), new State(e.conversationId(), seq, false, 0));
            } else if (event.data() instanceof ConversationUpdated e) {
                State state = states.get(e.conversationId());
                if (state == null || !state.isNew(seq)) {
                    continue;
                }
                Map<String, Object> changes = new LinkedHashMap<>();
                putIfPresent(changes, "title", e.title());
                putIfPresent(changes, "content", e.content());
                putIfPresent(changes, "system_prompt", e.systemPrompt());
                putIfPresent(changes, "llm_id", e.llmId());
                putIfPresent(changes, "agent_id", e.agentId());
                if (e.metadata() != null) {
                    // keys never hold '.' or start with '$' (a domain rule), so each is a plain field path
                    e.metadata().forEach((key, value) -> changes.put("metadata." + key, value == null ? UNSET : value));
                }
                changes.put("updated_at", at);
                state.change(seq, changes, conversationWrites);
            } else if (event.data() instanceof MessagePosted e) {
                State state = states.get(e.conversationId());
                // a message of a deleted conversation is not written again (a redelivery after the deletion)
                if (state == null || !state.deleted) {
                    messageWrites.add(new Document("_id", messageKey(e.conversationId(), e.index()))
                            .append("id", e.messageId())
                            .append("conversation_id", e.conversationId())
                            .append("account_id", e.accountId())
                            .append("index", e.index())
                            .append("role", e.role())
                            .append("content", e.content())
                            .append("created_at", at));
                }
                if (state == null) {
                    continue;
                }
                state.messageCount = Math.max(state.messageCount, e.index() + 1);
                if (state.isNew(seq)) {
                    Map<String, Object> changes = new LinkedHashMap<>();
                    changes.put("message_count", e.index() + 1);
                    changes.put("last_message_at", at);
                    changes.put("updated_at", at);
                    state.change(seq, changes, conversationWrites);
                }
            } else if (event.data() instanceof ConversationDeleted e) {
                State state = states.get(e.conversationId());
                if (state == null) {
                    continue;
                }
                if (state.isNew(seq)) {
                    // what the conversation said is gone; the tombstone keeps a replay from resurrecting it
                    Map<String, Object> changes = new LinkedHashMap<>();
                    changes.put("deleted", true);
                    changes.put("title", null);
                    changes.put("content", null);
                    changes.put("metadata", new Document());
                    changes.put("system_prompt", null);
                    changes.put("summary", null);
                    changes.put("updated_at", at);
                    state.change(seq, changes, conversationWrites);
                }
                state.deleted = true;
                // also when the tombstone was there already: a crash may have come between it and this
                deletions.merge(e.conversationId(), state.messageCount, Math::max);
                summaryDeletions.addAll(state.summaryIds);
            } else if (event.data() instanceof AgentReplyRequested e) {
                State state = states.get(e.conversationId());
                if (state == null || !state.isNew(seq)) {
                    continue;
                }
                // the aggregate asks right after posting the message, so it is the last one so far
                int index = state.messageCount - 1;
                state.pendingReplies.put(e.inReplyTo(), index);
                if (!state.deleted) {
                    messageUpdates.add(replyStatus(e.conversationId(), index, "pending", null));
                }
                state.change(seq, Map.of("pending_replies." + e.inReplyTo(), index), conversationWrites);
            } else if (event.data() instanceof AgentReplied e) {
                State state = states.get(e.conversationId());
                if (state == null || !state.deleted) {
                    messageWrites.add(new Document("_id", messageKey(e.conversationId(), e.index()))
                            .append("id", e.messageId())
                            .append("conversation_id", e.conversationId())
                            .append("account_id", e.accountId())
                            .append("index", e.index())
                            .append("role", "agent")
                            .append("content", e.content())
                            .append("created_at", at)
                            .append("in_reply_to", e.inReplyTo())
                            .append("model", e.model())
                            .append("reasoning", e.reasoning()));
                }
                if (state == null) {
                    continue;
                }
                state.messageCount = Math.max(state.messageCount, e.index() + 1);
                if (state.isNew(seq)) {
                    replied(state, e.inReplyTo(), "completed", null, messageUpdates);
                    Map<String, Object> changes = new LinkedHashMap<>();
                    changes.put("message_count", e.index() + 1);
                    changes.put("last_message_at", at);
                    changes.put("updated_at", at);
                    changes.put("pending_replies." + e.inReplyTo(), UNSET);
                    state.change(seq, changes, conversationWrites);
                }
            } else if (event.data() instanceof AgentReplyFailed e) {
                State state = states.get(e.conversationId());
                if (state == null || !state.isNew(seq)) {
                    continue;
                }
                replied(state, e.inReplyTo(), "failed", e.reason(), messageUpdates);
                state.change(seq, Map.of("pending_replies." + e.inReplyTo(), UNSET), conversationWrites);
            } else if (event.data() instanceof SummaryRequested e) {
                State state = states.get(e.conversationId());
                if (state == null || !state.isNew(seq)) {
                    continue;
                }
                state.summaryIds.add(e.summaryId());
                if (!state.deleted) {
                    summaryWrites.add(new Document("_id", e.summaryId())
                            .append("conversation_id", e.conversationId())
                            .append("account_id", e.accountId())
                            .append("status", "processing")
                            .append("language", e.language())
                            .append("style", e.style())
                            .append("created_at", at)
                            .append("completed_at", null));
                }
                Map<String, Object> changes = new LinkedHashMap<>();
                changes.put("status", "processing");
                changes.put("summary_ids." + e.summaryId(), true);
                state.change(seq, changes, conversationWrites);
            } else if (event.data() instanceof SummaryGenerated e) {
                State state = states.get(e.conversationId());
                if (state == null || !state.isNew(seq)) {
                    continue;
                }
                if (!state.deleted) {
                    summaryUpdates.add(new UpdateOneModel<>(new Document("_id", e.summaryId()), Updates.combine(
                            Updates.set("status", "completed"),
                            Updates.set("title", e.title()),
                            Updates.set("content", e.content()),
                            Updates.set("sentiment", e.sentiment()),
                            Updates.set("sentiment_score", e.sentimentScore()),
                            Updates.set("topics", e.topics()),
                            Updates.set("action_items", e.actionItems()),
                            Updates.set("model", e.model()),
                            Updates.set("completed_at", at))));
                }
                Map<String, Object> changes = new LinkedHashMap<>();
                changes.put("status", "completed");
                changes.put("summary", new Document("title", e.title()).append("content", e.content())
                        .append("sentiment", e.sentiment()).append("topics", e.topics()).append("action_items", e.actionItems()));
                state.change(seq, changes, conversationWrites);
            } else if (event.data() instanceof SummaryFailed e) {
                State state = states.get(e.conversationId());
                if (state == null || !state.isNew(seq)) {
                    continue;
                }
                if (!state.deleted) {
                    summaryUpdates.add(new UpdateOneModel<>(new Document("_id", e.summaryId()), Updates.combine(
                            Updates.set("status", "failed"),
                            Updates.set("error", e.reason()),
                            Updates.set("completed_at", at))));
                }
                state.change(seq, Map.of("status", "failed"), conversationWrites);
            }
        }
        for (State state : states.values()) {
            state.flush(conversationWrites);
        }
        // messages before the counts that include them, so a reader that sees a count finds its messages
        BulkWrites.insertNew(messages, messageWrites);
        BulkWrites.run(messages, messageUpdates);
        BulkWrites.insertNew(summaries, summaryWrites);
        BulkWrites.run(summaries, summaryUpdates);
        BulkWrites.run(conversations, conversationWrites);
        deletions.forEach(this::deleteMessages);
        if (!summaryDeletions.isEmpty()) {
            summaries.deleteMany(Filters.in("_id", summaryDeletions));
        }
    }

    /** The outcome of a reply on the user message, found by the position the conversation kept for it. */
    private static void replied(State state, String inReplyTo, String status, String error, List<WriteModel<Document>> updates) {
        Integer index = state.pendingReplies.remove(inReplyTo);
        if (index != null && !state.deleted) {
            updates.add(replyStatus(state.id, index, status, error));
        }
    }

    private static WriteModel<Document> replyStatus(String conversationId, int index, String status, String error) {
        Document set = new Document("reply_status", status);
        if (error != null) {
            set.append("reply_error", error);
        }
        return new UpdateOneModel<>(new Document("_id", messageKey(conversationId, index)), new Document("$set", set));
    }

    private static String conversationOf(Object data) {
        if (data instanceof ConversationCreated e) return e.conversationId();
        if (data instanceof ConversationUpdated e) return e.conversationId();
        if (data instanceof MessagePosted e) return e.conversationId();
        if (data instanceof ConversationDeleted e) return e.conversationId();
        if (data instanceof AgentReplyRequested e) return e.conversationId();
        if (data instanceof AgentReplied e) return e.conversationId();
        if (data instanceof AgentReplyFailed e) return e.conversationId();
        if (data instanceof SummaryRequested e) return e.conversationId();
        if (data instanceof SummaryGenerated e) return e.conversationId();
        if (data instanceof SummaryFailed e) return e.conversationId();
        return null;
    }

    private Map<String, State> load(Set<String> ids) {
        Map<String, State> states = new LinkedHashMap<>();
        for (Document doc : conversations.find(Filters.in("_id", ids))
                .projection(Projections.include("version", "deleted", "message_count", "pending_replies", "summary_ids"))) {
            Object version = doc.get("version");
            Object count = doc.get("message_count");
            String id = doc.getString("_id");
            State state = new State(id, version instanceof Number n ? n.longValue() : -1,
                    Boolean.TRUE.equals(doc.get("deleted")), count instanceof Number n ? n.intValue() : 0);
            if (doc.get("pending_replies") instanceof Document pending) {
                pending.forEach((messageId, index) -> state.pendingReplies.put(messageId, ((Number) index).intValue()));
            }
            if (doc.get("summary_ids") instanceof Document known) {
                state.summaryIds.addAll(known.keySet());
            }
            states.put(id, state);
        }
        return states;
    }

    /** Deletes the messages at positions [0, count) by their _ids, a chunk at a time. */
    private void deleteMessages(String conversationId, int count) {
        for (int from = 0; from < count; from += DELETE_CHUNK) {
            List<String> keys = new ArrayList<>(Math.min(DELETE_CHUNK, count - from));
            for (int index = from; index < Math.min(count, from + DELETE_CHUNK); index++) {
                keys.add(messageKey(conversationId, index));
            }
            messages.deleteMany(Filters.in("_id", keys));
        }
    }

    private static void putIfPresent(Map<String, Object> changes, String field, Object value) {
        if (value != null) {
            changes.put(field, value);
        }
    }

    @Override
    public void reset() {
        conversations.drop();
        messages.drop();
        summaries.drop();
        createIndexes();
    }
}
