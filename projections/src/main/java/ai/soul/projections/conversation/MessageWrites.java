package ai.soul.projections.conversation;

import ai.soul.projections.BulkWrites;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.conversation.MessagePosted;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ai.soul.projections.conversation.MessageDocument.REPLY_ERROR;
import static ai.soul.projections.conversation.MessageDocument.REPLY_STATUS;

/**
 * What one batch writes to the messages read model ({@link MessageDocument}). A message is written once
 * (a redelivered one finds its _id taken); a message of a deleted conversation is not written again.
 * Agent replies are messages like the others; the user message they answer shows the outcome, found by
 * the position the ledger kept for it. A deletion removes the conversation's messages by their _ids.
 */
final class MessageWrites {

    private static final int DELETE_CHUNK = 1_000;

    private final List<MessageDocument> inserts = new ArrayList<>();
    private final List<WriteModel<MessageDocument>> updates = new ArrayList<>();
    /** Conversation → its message count, whose messages go. */
    private final Map<String, Integer> deletions = new LinkedHashMap<>();

    /** An event of the conversation whose ledger, before the event, is {@code ledger} (null: no document). */
    void on(ConversationEvent event, ConversationLedger ledger, long seq, Instant at) {
        if (event instanceof MessagePosted e) posted(e, ledger, at);
        else if (event instanceof AgentReplyRequested e) replyRequested(ledger, seq);
        else if (event instanceof AgentReplied e) replied(e, ledger, seq, at);
        else if (event instanceof AgentReplyFailed e) replyFailed(e, ledger, seq);
        else if (event instanceof ConversationDeleted e) deleted(ledger);
    }

    private void posted(MessagePosted e, ConversationLedger ledger, Instant at) {
        if (shown(ledger)) {
            inserts.add(new MessageDocument(MessageDocument.key(e.conversationId(), e.index()), e.messageId(), e.conversationId(),
                    e.accountId(), e.index(), e.role(), e.content(), at, null, null, null, null, null));
        }
    }

    private void replyRequested(ConversationLedger ledger, long seq) {
        if (ledger != null && ledger.isNew(seq) && !ledger.deleted) {
            // the aggregate asks right after posting the message, so it is the last one so far
            updates.add(replyStatus(ledger.id, ledger.messageCount - 1, "pending", null));
        }
    }

    private void replied(AgentReplied e, ConversationLedger ledger, long seq, Instant at) {
        if (shown(ledger)) {
            inserts.add(new MessageDocument(MessageDocument.key(e.conversationId(), e.index()), e.messageId(), e.conversationId(),
                    e.accountId(), e.index(), "agent", e.content(), at, e.inReplyTo(), e.model(), e.reasoning(), null, null));
        }
        outcome(ledger, seq, e.inReplyTo(), "completed", null);
    }

    private void replyFailed(AgentReplyFailed e, ConversationLedger ledger, long seq) {
        outcome(ledger, seq, e.inReplyTo(), "failed", e.reason());
    }

    /** Also when the conversation's tombstone was there already: a crash may have come between it and this. */
    private void deleted(ConversationLedger ledger) {
        if (ledger != null) {
            deletions.merge(ledger.id, ledger.messageCount, Math::max);
        }
    }

    /** Not a message of a deleted conversation: a redelivery after the deletion writes nothing back. */
    private static boolean shown(ConversationLedger ledger) {
        return ledger == null || !ledger.deleted;
    }

    /** The outcome of a reply on the user message, found by the position the ledger kept for it. */
    private void outcome(ConversationLedger ledger, long seq, String inReplyTo, String status, String error) {
        if (ledger == null || !ledger.isNew(seq) || ledger.deleted) {
            return;
        }
        Integer index = ledger.pendingReplies.get(inReplyTo);
        if (index != null) {
            updates.add(replyStatus(ledger.id, index, status, error));
        }
    }

    private static WriteModel<MessageDocument> replyStatus(String conversationId, int index, String status, String error) {
        Document set = new Document(REPLY_STATUS, status);
        if (error != null) {
            set.append(REPLY_ERROR, error);
        }
        return new UpdateOneModel<>(new Document("_id", MessageDocument.key(conversationId, index)), new Document("$set", set));
    }

    /** The new messages and the reply outcomes; before the conversations' counts that include them. */
    void write(MongoCollection<MessageDocument> messages) {
        BulkWrites.insertNew(messages, inserts);
        BulkWrites.run(messages, updates);
    }

    /** The messages of deleted conversations: at positions [0, count), by their _ids, a chunk at a time. */
    void delete(MongoCollection<MessageDocument> messages) {
        deletions.forEach((conversationId, count) -> {
            for (int from = 0; from < count; from += DELETE_CHUNK) {
                List<String> keys = new ArrayList<>(Math.min(DELETE_CHUNK, count - from));
                for (int index = from; index < Math.min(count, from + DELETE_CHUNK); index++) {
                    keys.add(MessageDocument.key(conversationId, index));
                }
                messages.deleteMany(Filters.in("_id", keys));
            }
        });
    }
}
