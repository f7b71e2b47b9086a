package ai.soul.projections.conversation;

import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryRequested;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static ai.soul.projections.conversation.ConversationDocument.DELETED;
import static ai.soul.projections.conversation.ConversationDocument.MESSAGE_COUNT;
import static ai.soul.projections.conversation.ConversationDocument.PENDING_REPLIES;
import static ai.soul.projections.conversation.ConversationDocument.SUMMARY_IDS;
import static ai.soul.projections.conversation.ConversationDocument.VERSION;

/**
 * What the conversation read models need to know of a conversation to apply each of its events once,
 * kept in its document: the sequence number of the last event applied ({@code version}), whether it is
 * deleted, how many messages it has, the positions of the user messages awaiting a reply and the ids
 * of its summaries. A batch loads the ledgers of the conversations it touches (one query by _id), then
 * {@link #apply folds} its events into them in memory; what the read models write of an event is
 * decided on the ledger as it stood before the event.
 */
final class ConversationLedger {

    final String id;
    long version;
    boolean deleted;
    int messageCount;
    /** User messages awaiting a reply: message id → index. */
    final Map<String, Integer> pendingReplies;
    final Set<String> summaryIds;

    private ConversationLedger(String id, long version, boolean deleted, int messageCount, Map<String, Integer> pendingReplies,
                               Set<String> summaryIds) {
        this.id = id;
        this.version = version;
        this.deleted = deleted;
        this.messageCount = messageCount;
        this.pendingReplies = pendingReplies;
        this.summaryIds = summaryIds;
    }

    /** The ledger of a conversation created by event {@code seq}. */
    static ConversationLedger created(String id, long seq) {
        return new ConversationLedger(id, seq, false, 0, new HashMap<>(), new LinkedHashSet<>());
    }

    /** The stored ledgers of the conversations that have a document. */
    static Map<String, ConversationLedger> load(MongoCollection<ConversationDocument> conversations, Collection<String> ids) {
        Map<String, ConversationLedger> ledgers = new LinkedHashMap<>();
        for (ConversationDocument doc : conversations.find(Filters.in("_id", ids))
                .projection(Projections.include(VERSION, DELETED, MESSAGE_COUNT, PENDING_REPLIES, SUMMARY_IDS))) {
            ledgers.put(doc.id(), new ConversationLedger(doc.id(), doc.version() == null ? -1 : doc.version(), doc.deleted(),
                    doc.messageCount(), new HashMap<>(doc.pendingReplies()), new LinkedHashSet<>(doc.summaryIds().keySet())));
        }
        return ledgers;
    }

    /** An event not applied yet: later in its conversation than the last one applied. */
    boolean isNew(long seq) {
        return seq > version;
    }

    /**
     * The ledger after event {@code seq} (its creation aside: {@link #created}). Every new event the
     * projector applies changes the conversation's document, and so its version.
     */
    void apply(ConversationEvent event, long seq) {
        if (event instanceof MessagePosted e) {
            messageCount = Math.max(messageCount, e.index() + 1);
        } else if (event instanceof AgentReplied e) {
            messageCount = Math.max(messageCount, e.index() + 1);
        } else if (event instanceof ConversationDeleted) {
            deleted = true;
        }
        if (!isNew(seq) || event instanceof ConversationCreated || !ConversationProjector.applies(event)) {
            return;
        }
        version = seq;
        if (event instanceof AgentReplyRequested e) {
            // the aggregate asks right after posting the message, so it is the last one so far
            pendingReplies.put(e.inReplyTo(), messageCount - 1);
        } else if (event instanceof AgentReplied e) {
            pendingReplies.remove(e.inReplyTo());
        } else if (event instanceof AgentReplyFailed e) {
            pendingReplies.remove(e.inReplyTo());
        } else if (event instanceof SummaryRequested e) {
            summaryIds.add(e.summaryId());
        }
    }
}
