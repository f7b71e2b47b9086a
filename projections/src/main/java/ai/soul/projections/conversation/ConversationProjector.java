package ai.soul.projections.conversation;

import ai.soul.projections.Projector;
import ai.soul.projections.VersionedChanges;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationEvent;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Indexes;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ai.soul.projections.conversation.ConversationDocument.ACCOUNT_ID;
import static ai.soul.projections.conversation.ConversationDocument.CREATED_AT;
import static ai.soul.projections.conversation.ConversationDocument.UPDATED_AT;

/**
 * The three read models of a conversation: the conversation ({@link ConversationWrites}), its messages
 * ({@link MessageWrites}) and its summaries ({@link SummaryWrites}). They are applied together because
 * they share one ledger ({@link ConversationLedger}), kept in the conversation's document: a batch
 * loads it once for the conversations it touches, each read model decides on it what an event writes,
 * and the writes go in an order a reader can rely on: messages and summaries before the conversation
 * whose counts include them, the deletions of a deleted conversation's messages and summaries last.
 * <p>
 * Every read and write goes by _id (or by {_id, version}, a unique index), so its cost does not grow
 * with the history, also on the embedded server, which uses no other kind of index.
 */
@Component
public class ConversationProjector implements Projector {

    private static final System.Logger log = System.getLogger(ConversationProjector.class.getName());

    /** The unique index of the first message layout (messages keyed by their own id). */
    private static final String LEGACY_MESSAGE_INDEX = "conversation_id_1_index_1";

    private final MongoCollection<ConversationDocument> conversations;
    private final MongoCollection<MessageDocument> messages;
    private final MongoCollection<SummaryDocument> summaries;

    public ConversationProjector(MongoDatabase db) {
        this.conversations = db.getCollection(ConversationDocument.COLLECTION, ConversationDocument.class);
        this.messages = db.getCollection(MessageDocument.COLLECTION, MessageDocument.class);
        this.summaries = db.getCollection(SummaryDocument.COLLECTION, SummaryDocument.class);
    }

    /** The events these read models apply: a conversation's, but its attachments' (a read model of their own). */
    static boolean applies(ConversationEvent event) {
        return !(event instanceof AttachmentAdded || event instanceof AttachmentDeleted);
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
     * The (account_id, created_at/updated_at) indexes serve the list on MongoDB; the compare-and-set of
     * every change needs {_id, version} on the embedded server. Summaries need only _id; messages are read by position (_id) and one message by its id.
     */
    private void createIndexes() {
        conversations.createIndex(Indexes.compoundIndex(Indexes.ascending(ACCOUNT_ID), Indexes.descending(CREATED_AT)));
        conversations.createIndex(Indexes.compoundIndex(Indexes.ascending(ACCOUNT_ID), Indexes.descending(UPDATED_AT)));
        VersionedChanges.index(conversations);
        messages.createIndex(Indexes.ascending(MessageDocument.ID));
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        Set<String> touched = new LinkedHashSet<>();
        for (PublishedEvent<?> event : batch) {
            if (event.data() instanceof ConversationEvent e && applies(e)) {
                touched.add(e.conversationId());
            }
        }
        if (touched.isEmpty()) {
            return;
        }
        Map<String, ConversationLedger> ledgers = ConversationLedger.load(conversations, touched);
        ConversationWrites conversationWrites = new ConversationWrites();
        MessageWrites messageWrites = new MessageWrites();
        SummaryWrites summaryWrites = new SummaryWrites();
        for (PublishedEvent<?> event : batch) {
            if (!(event.data() instanceof ConversationEvent e) || !applies(e)) {
                continue;
            }
            ConversationLedger ledger = ledgers.get(e.conversationId());
            messageWrites.on(e, ledger, event.sequence(), event.time());
            summaryWrites.on(e, ledger, event.sequence(), event.time());
            conversationWrites.on(e, ledger, event.sequence(), event.time());
            if (ledger != null) {
                ledger.apply(e, event.sequence());
            } else if (e instanceof ConversationCreated) {
                ledgers.put(e.conversationId(), ConversationLedger.created(e.conversationId(), event.sequence()));
            }
        }
        // messages before the counts that include them, so a reader that sees a count finds its messages
        messageWrites.write(messages);
        summaryWrites.write(summaries);
        conversationWrites.write(conversations);
        messageWrites.delete(messages);
        summaryWrites.delete(summaries);
    }

    @Override
    public void reset() {
        conversations.drop();
        messages.drop();
        summaries.drop();
        createIndexes();
    }
}
