package ai.soul.projections.usage;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
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
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an account used, per UTC day, from the events: conversations created by source, messages by
 * role (agent replies included), AI tokens by model, and the change of stored bytes by type (the
 * text of conversations and messages, attachments). One document per account and day
 * ({@value #DAILY}); each counting write carries the conversation's sequence number under
 * {@code applied.<conversation>} and only matches while that is lower, so a replayed event changes
 * nothing. A conversation's current text size, needed when its content is replaced or it is
 * deleted, is kept in {@value #CONVERSATIONS} and written after the daily counters: a crash in
 * between leaves counters that are ahead, and the redelivery skips what they already hold.
 */
public class UsageProjector implements Projector {

    static final String DAILY = "usage_events_daily";
    static final String CONVERSATIONS = "usage_conversations";

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> daily;
    private final MongoCollection<Document> conversations;

    public UsageProjector(MongoDatabase db) {
        this.daily = db.getCollection(DAILY);
        this.conversations = db.getCollection(CONVERSATIONS);
    }

    /** A conversation's text bytes as far as the events applied so far: its content, and content plus messages. */
    private static final class Sizes {
        long version;
        long contentBytes;
        long textBytes;
        boolean deleted;
        boolean changed;

        Sizes(long version, long contentBytes, long textBytes, boolean deleted) {
            this.version = version;
            this.contentBytes = contentBytes;
            this.textBytes = textBytes;
            this.deleted = deleted;
        }
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        Map<String, Sizes> sizes = load(batch);
        List<WriteModel<Document>> counts = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            Sizes conversation = sizes.get(event.subject());
            if (conversation == null || event.sequence() <= conversation.version) {
                continue; // not counted here, or applied before (its counters were written before its size)
            }
            Map<String, Long> inc = increments(event.data(), conversation);
            if (inc == null) {
                continue;
            }
            conversation.version = event.sequence();
            conversation.changed = true;
            if (!inc.isEmpty()) {
                counts.add(count(accountOf(event.data()), UsageKeys.day(event.time()), event.subject(), event.sequence(), inc));
            }
        }
        BulkWrites.run(daily, counts);
        List<WriteModel<Document>> sizeWrites = new ArrayList<>();
        sizes.forEach((id, s) -> {
            if (s.changed) {
                sizeWrites.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", id), Filters.lt("version", s.version)), Updates.combine(
                        Updates.set("version", s.version), Updates.set("content_bytes", s.contentBytes),
                        Updates.set("text_bytes", s.textBytes), Updates.set("deleted", s.deleted)), UPSERT));
            }
        });
        BulkWrites.run(conversations, sizeWrites);
    }

    /** The sizes of the conversations this batch counts for, as stored; a new conversation starts at nothing. */
    private Map<String, Sizes> load(List<PublishedEvent<?>> batch) {
        Map<String, Sizes> sizes = new LinkedHashMap<>();
        for (PublishedEvent<?> event : batch) {
            if (accountOf(event.data()) != null) {
                sizes.putIfAbsent(event.subject(), new Sizes(-1, 0, 0, false));
            }
        }
        if (!sizes.isEmpty()) {
            for (Document doc : conversations.find(Filters.in("_id", sizes.keySet()))) {
                sizes.put(doc.getString("_id"), new Sizes(number(doc, "version"), number(doc, "content_bytes"),
                        number(doc, "text_bytes"), Boolean.TRUE.equals(doc.getBoolean("deleted"))));
            }
        }
        return sizes;
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
        return null;
    }

    /** The counters an event adds to (field to amount), updating the conversation's sizes; null when it counts nothing. */
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
        } else {
            return null;
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

    /** Adds to the day's counters unless this event of the conversation was applied already (then the upsert's insert is a duplicate, skipped). */
    private static WriteModel<Document> count(String accountId, LocalDate day, String subject, long sequence, Map<String, Long> inc) {
        String applied = "applied." + UsageKeys.field(subject);
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.setOnInsert("account_id", accountId));
        updates.add(Updates.setOnInsert("day", day.toString()));
        updates.add(Updates.set(applied, sequence));
        inc.forEach((field, amount) -> updates.add(Updates.inc(field, amount)));
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", UsageKeys.id(accountId, day)),
                Filters.or(Filters.exists(applied, false), Filters.lt(applied, sequence))), Updates.combine(updates), UPSERT);
    }

    @Override
    public void reset() {
        daily.drop();
        conversations.drop();
    }
}
