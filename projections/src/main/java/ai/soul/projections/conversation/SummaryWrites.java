package ai.soul.projections.conversation;

import ai.soul.projections.BulkWrites;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static ai.soul.projections.conversation.SummaryDocument.ACTION_ITEMS;
import static ai.soul.projections.conversation.SummaryDocument.COMPLETED_AT;
import static ai.soul.projections.conversation.SummaryDocument.CONTENT;
import static ai.soul.projections.conversation.SummaryDocument.ERROR;
import static ai.soul.projections.conversation.SummaryDocument.MODEL;
import static ai.soul.projections.conversation.SummaryDocument.SENTIMENT;
import static ai.soul.projections.conversation.SummaryDocument.SENTIMENT_SCORE;
import static ai.soul.projections.conversation.SummaryDocument.STATUS;
import static ai.soul.projections.conversation.SummaryDocument.TITLE;
import static ai.soul.projections.conversation.SummaryDocument.TOPICS;

/**
 * What one batch writes to the summaries read model ({@link SummaryDocument}): a document per requested
 * summary, completed or failed later; nothing for a deleted conversation, whose summaries go with it
 * (by the ids its ledger keeps).
 */
final class SummaryWrites {

    private final List<SummaryDocument> inserts = new ArrayList<>();
    private final List<WriteModel<SummaryDocument>> updates = new ArrayList<>();
    private final Set<String> deletions = new LinkedHashSet<>();

    /** An event of the conversation whose ledger, before the event, is {@code ledger} (null: no document). */
    void on(ConversationEvent event, ConversationLedger ledger, long seq, Instant at) {
        if (ledger == null) {
            return;
        }
        if (event instanceof ConversationDeleted) {
            deletions.addAll(ledger.summaryIds);
        }
        if (!ledger.isNew(seq) || ledger.deleted) {
            return;
        }
        if (event instanceof SummaryRequested e) requested(e, at);
        else if (event instanceof SummaryGenerated e) generated(e, at);
        else if (event instanceof SummaryFailed e) failed(e, at);
    }

    private void requested(SummaryRequested e, Instant at) {
        inserts.add(new SummaryDocument(e.summaryId(), e.conversationId(), e.accountId(), "processing", e.language(), e.style(), at,
                null, null, null, null, null, null, null, null, null));
    }

    private void generated(SummaryGenerated e, Instant at) {
        updates.add(update(e.summaryId(), Updates.combine(Updates.set(STATUS, "completed"), Updates.set(TITLE, e.title()),
                Updates.set(CONTENT, e.content()), Updates.set(SENTIMENT, e.sentiment()), Updates.set(SENTIMENT_SCORE, e.sentimentScore()),
                Updates.set(TOPICS, e.topics()), Updates.set(ACTION_ITEMS, e.actionItems()), Updates.set(MODEL, e.model()),
                Updates.set(COMPLETED_AT, at))));
    }

    private void failed(SummaryFailed e, Instant at) {
        updates.add(update(e.summaryId(), Updates.combine(Updates.set(STATUS, "failed"), Updates.set(ERROR, e.reason()),
                Updates.set(COMPLETED_AT, at))));
    }

    private static WriteModel<SummaryDocument> update(String summaryId, Bson change) {
        return new UpdateOneModel<>(new Document("_id", summaryId), change);
    }

    void write(MongoCollection<SummaryDocument> summaries) {
        BulkWrites.insertNew(summaries, inserts);
        BulkWrites.run(summaries, updates);
    }

    void delete(MongoCollection<SummaryDocument> summaries) {
        if (!deletions.isEmpty()) {
            summaries.deleteMany(Filters.in("_id", deletions));
        }
    }
}
