package ai.soul.projections.usage;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.ExportStorageReleased;
import ai.soul.schemas.account.ExportStorageReserved;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryGenerated;
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
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an account used, per UTC day, from the events: conversations created by source, messages by
 * role (agent replies included), AI tokens by model, and the change of stored bytes by type (the
 * text of conversations and messages, attachments, and export files, from the account's reservations
 * of them; those are counted per account and day like a conversation's, under the account's id).
 *
 * <p>The counters are kept per conversation and day ({@value #DAILY}, _id {@code conversation|day},
 * with the account and the day), each carrying {@code version}, the sequence number of the last event
 * of the conversation counted into it; a report sums an account's documents (by its account_id index).
 * A conversation's current text size, needed when its content is replaced or it is deleted, is kept
 * in {@value #CONVERSATIONS} with a version of its own. Every write is a compare-and-set of one
 * document on {_id, version}, so a replayed or redelivered event changes nothing, and the counters
 * are written before the size: a crash in between leaves a size behind, which the redelivery brings
 * up to date without counting twice. No document grows with the history: a day document holds one
 * conversation's counters.
 */
@Component
public class UsageProjector implements Projector {

    static final String DAILY = "usage_conversation_days";
    static final String CONVERSATIONS = "usage_conversations";

    private final MongoCollection<Document> daily;
    private final MongoCollection<Document> conversations;

    public UsageProjector(MongoDatabase db) {
        this.daily = db.getCollection(DAILY);
        this.conversations = db.getCollection(CONVERSATIONS);
    }

    @Override
    public void prepare() {
        createIndexes();
    }

    /** Nobody waits for a usage figure the way a writer waits to read its write back: counted beside the read models, not in their batches. */
    @Override
    public String projection() {
        return "usage-events";
    }

    @Override
    public boolean background() {
        return true;
    }

    /** The embedded server uses an index only when a filter names exactly its keys: {_id, version} for the compare-and-set. */
    private void createIndexes() {
        for (MongoCollection<Document> collection : List.of(daily, conversations)) {
            collection.createIndex(Indexes.compoundIndex(Indexes.ascending("_id"), Indexes.ascending("version")),
                    new IndexOptions().unique(true));
        }
        daily.createIndex(Indexes.ascending("account_id"));
    }

    /** A conversation's text bytes as far as the events applied so far: its content, and content plus messages. */
    private static final class Sizes {
        final long stored;
        long version;
        long contentBytes;
        long textBytes;
        boolean deleted;

        Sizes(long version, long contentBytes, long textBytes, boolean deleted) {
            this.stored = version;
            this.version = version;
            this.contentBytes = contentBytes;
            this.textBytes = textBytes;
            this.deleted = deleted;
        }
    }

    /** One conversation's counters of one day: the version stored, and what this batch adds. */
    private static final class Day {
        final long stored;
        long version;
        final String accountId;
        final LocalDate day;
        final Map<String, Long> inc = new LinkedHashMap<>();

        Day(long stored, String accountId, LocalDate day) {
            this.stored = stored;
            this.version = stored;
            this.accountId = accountId;
            this.day = day;
        }
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<PublishedEvent<?>> counted = batch.stream().filter(e -> accountOf(e.data()) != null).toList();
        if (counted.isEmpty()) {
            return;
        }
        Map<String, Sizes> sizes = loadSizes(counted);
        Map<String, Day> days = loadDays(counted);
        for (PublishedEvent<?> event : counted) {
            Sizes conversation = sizes.get(event.subject());
            if (event.sequence() <= conversation.version) {
                continue; // applied before: its counters were written before its size
            }
            Map<String, Long> inc = increments(event.data(), conversation);
            conversation.version = event.sequence();
            Day day = days.get(dayId(event));
            if (event.sequence() > day.version) {
                inc.forEach((field, amount) -> day.inc.merge(field, amount, Long::sum));
                day.version = event.sequence();
            }
        }
        List<WriteModel<Document>> counts = new ArrayList<>();
        days.forEach((id, d) -> {
            if (d.version > d.stored) {
                List<Bson> updates = new ArrayList<>(List.of(Updates.set("version", d.version),
                        Updates.set("account_id", d.accountId), Updates.set("day", d.day.toString())));
                d.inc.forEach((field, amount) -> updates.add(Updates.inc(field, amount)));
                counts.add(compareAndSet(id, d.stored, Updates.combine(updates)));
            }
        });
        BulkWrites.run(daily, counts);
        List<WriteModel<Document>> sizeWrites = new ArrayList<>();
        sizes.forEach((id, s) -> {
            if (s.version > s.stored) {
                sizeWrites.add(compareAndSet(id, s.stored, Updates.combine(Updates.set("version", s.version),
                        Updates.set("content_bytes", s.contentBytes), Updates.set("text_bytes", s.textBytes), Updates.set("deleted", s.deleted))));
            }
        });
        BulkWrites.run(conversations, sizeWrites);
    }

    /**
     * The update of a document whose stored version is {@code stored} (-1: none yet, and the upsert
     * creates it). A plain {_id, version} document: Filters.and would render as $and, which no index
     * of the embedded server serves.
     */
    private static WriteModel<Document> compareAndSet(String id, long stored, Bson update) {
        return stored < 0
                ? new UpdateOneModel<>(new Document("_id", id), update, new UpdateOptions().upsert(true))
                : new UpdateOneModel<>(new Document("_id", id).append("version", stored), update);
    }

    private static String dayId(PublishedEvent<?> event) {
        return event.subject() + "|" + UsageKeys.day(event.time());
    }

    /** The sizes of the conversations this batch counts for, as stored; a new conversation starts at nothing. */
    private Map<String, Sizes> loadSizes(List<PublishedEvent<?>> events) {
        Map<String, Sizes> sizes = new LinkedHashMap<>();
        events.forEach(e -> sizes.putIfAbsent(e.subject(), new Sizes(-1, 0, 0, false)));
        for (Document doc : conversations.find(Filters.in("_id", sizes.keySet()))) {
            sizes.put(doc.getString("_id"), new Sizes(number(doc, "version"), number(doc, "content_bytes"),
                    number(doc, "text_bytes"), Boolean.TRUE.equals(doc.getBoolean("deleted"))));
        }
        return sizes;
    }

    private Map<String, Day> loadDays(List<PublishedEvent<?>> events) {
        Map<String, Day> days = new LinkedHashMap<>();
        events.forEach(e -> days.putIfAbsent(dayId(e), new Day(-1, accountOf(e.data()), UsageKeys.day(e.time()))));
        for (Document doc : daily.find(Filters.in("_id", days.keySet())).projection(Projections.include("version"))) {
            Day fresh = days.get(doc.getString("_id"));
            days.put(doc.getString("_id"), new Day(number(doc, "version"), fresh.accountId, fresh.day));
        }
        return days;
    }

    private static String accountOf(Object data) {
        if (data instanceof ConversationCreated e) return e.accountId();
        if (data instanceof ConversationUpdated e) return e.accountId();
        if (data instanceof ConversationDeleted e) return e.accountId();
        if (data instanceof MessagePosted e) return e.accountId();
        if (data instanceof AgentReplied e) return e.accountId();
        if (data instanceof SummaryGenerated e) return e.accountId();
        if (data instanceof AttachmentAdded e) return e.accountId();
        if (data instanceof AttachmentDeleted e) return e.accountId();
        if (data instanceof ExportStorageReserved e) return e.accountId();
        if (data instanceof ExportStorageReleased e) return e.accountId();
        return null;
    }

    /** The counters an event adds to (field to amount), updating the conversation's sizes. */
    private static Map<String, Long> increments(Object data, Sizes conversation) {
        Map<String, Long> inc = new LinkedHashMap<>();
        if (data instanceof ConversationCreated e) {
            inc.put("conversations." + UsageKeys.field(e.source() == null ? "api" : e.source()), 1L);
            long bytes = bytes(e.content());
            conversation.contentBytes = bytes;
            text(conversation, inc, bytes);
        } else if (data instanceof ConversationUpdated e) {
            if (e.content() != null) {
                long bytes = bytes(e.content());
                long delta = bytes - conversation.contentBytes;
                conversation.contentBytes = bytes;
                text(conversation, inc, delta);
            }
        } else if (data instanceof ConversationDeleted) {
            text(conversation, inc, -conversation.textBytes);
            conversation.contentBytes = 0;
            conversation.deleted = true;
        } else if (data instanceof MessagePosted e) {
            inc.put("messages." + UsageKeys.field(e.role()), 1L);
            text(conversation, inc, bytes(e.content()));
        } else if (data instanceof AgentReplied e) {
            inc.put("messages.agent", 1L);
            tokens(inc, e.model(), e.promptTokens(), e.completionTokens());
            text(conversation, inc, bytes(e.content()));
        } else if (data instanceof SummaryGenerated e) {
            tokens(inc, e.model(), e.promptTokens(), e.completionTokens());
        } else if (data instanceof AttachmentAdded e) {
            inc.put("storage.attachments", e.size());
        } else if (data instanceof AttachmentDeleted e) {
            inc.put("storage.attachments", -e.size());
        } else if (data instanceof ExportStorageReserved e) {
            inc.put("storage.exports", e.size());
        } else if (data instanceof ExportStorageReleased e) {
            inc.put("storage.exports", -e.size());
        }
        return inc;
    }

    private static void text(Sizes conversation, Map<String, Long> inc, long delta) {
        conversation.textBytes += delta;
        if (delta != 0) {
            inc.put("storage.conversations", delta);
        }
    }

    private static void tokens(Map<String, Long> inc, String model, long prompt, long completion) {
        String m = UsageKeys.field(model == null ? "unknown" : model);
        inc.put("tokens." + m + ".prompt", prompt);
        inc.put("tokens." + m + ".completion", completion);
    }

    private static long bytes(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long number(Document doc, String field) {
        Object value = doc.get(field);
        return value instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public void reset() {
        daily.drop();
        conversations.drop();
        createIndexes();
    }
}
