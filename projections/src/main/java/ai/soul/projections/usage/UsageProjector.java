package ai.soul.projections.usage;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.projections.VersionedChanges;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.AccountEvent;
import ai.soul.schemas.account.ExportStorageReleased;
import ai.soul.schemas.account.ExportStorageReserved;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryGenerated;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ai.soul.projections.usage.ConversationDay.Storage.ATTACHMENTS;
import static ai.soul.projections.usage.ConversationDay.Storage.EXPORTS;
import static ai.soul.projections.usage.ConversationDay.Tokens.COMPLETION;
import static ai.soul.projections.usage.ConversationDay.Tokens.PROMPT;

/**
 * What an account used, per UTC day, from the events: conversations created by source, messages by
 * role (agent replies included), AI tokens by model, and the change of stored bytes by type (the
 * text of conversations and messages, attachments, and export files, from the account's reservations
 * of them; those are counted per account and day like a conversation's, under the account's id).
 *
 * <p>The counters are kept per conversation and day ({@link ConversationDay}), each carrying the
 * sequence number of the last event of the conversation counted into it; a report sums an account's
 * documents (by its account_id index). A conversation's current text size, needed when its content
 * is replaced or it is deleted, is kept apart ({@link ConversationSize}) with a version of its own.
 * Every write is a compare-and-set of one document on {_id, version}, so a replayed or redelivered
 * event changes nothing, and the counters are written before the size: a crash in between leaves a
 * size behind, which the redelivery brings up to date without counting twice. No document grows with
 * the history: a day document holds one conversation's counters.
 */
@Component
public class UsageProjector implements Projector {

    /** The events that count; every other event leaves the counters and their versions alone. */
    private static final Set<Class<?>> COUNTED = Set.of(ConversationCreated.class, ConversationUpdated.class, ConversationDeleted.class,
            MessagePosted.class, AgentReplied.class, SummaryGenerated.class, AttachmentAdded.class, AttachmentDeleted.class,
            ExportStorageReserved.class, ExportStorageReleased.class);


    private final MongoCollection<ConversationDay> daily;
    private final MongoCollection<ConversationSize> conversations;

    public UsageProjector(MongoDatabase db) {
        this.daily = db.getCollection(ConversationDay.COLLECTION, ConversationDay.class);
        this.conversations = db.getCollection(ConversationSize.COLLECTION, ConversationSize.class);
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

    /** The compare-and-set's {_id, version} index, which the embedded server needs; the report's account_id. */
    @Override
    public void prepare() {
        VersionedChanges.index(daily);
        VersionedChanges.index(conversations);
        daily.createIndex(Indexes.ascending(ConversationDay.ACCOUNT_ID));
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

        /** The text grew or shrank by {@code delta} bytes. */
        void text(Map<String, Long> inc, long delta) {
            textBytes += delta;
            if (delta != 0) {
                inc.put(storage(ConversationDay.Storage.CONVERSATIONS), delta);
            }
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
        List<PublishedEvent<?>> counted = batch.stream().filter(e -> COUNTED.contains(e.data().getClass())).toList();
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
        List<WriteModel<ConversationDay>> counts = new ArrayList<>();
        days.forEach((id, d) -> {
            if (d.version > d.stored) {
                List<Bson> updates = new ArrayList<>(List.of(Updates.set(ConversationDay.VERSION, d.version),
                        Updates.set(ConversationDay.ACCOUNT_ID, d.accountId), Updates.set(ConversationDay.DAY, d.day.toString())));
                d.inc.forEach((field, amount) -> updates.add(Updates.inc(field, amount)));
                counts.add(VersionedChanges.compareAndSet(id, d.stored, Updates.combine(updates)));
            }
        });
        BulkWrites.run(daily, counts);
        List<WriteModel<ConversationSize>> sizeWrites = new ArrayList<>();
        sizes.forEach((id, s) -> {
            if (s.version > s.stored) {
                sizeWrites.add(VersionedChanges.compareAndSet(id, s.stored, Updates.combine(Updates.set(ConversationSize.VERSION, s.version),
                        Updates.set(ConversationSize.CONTENT_BYTES, s.contentBytes), Updates.set(ConversationSize.TEXT_BYTES, s.textBytes),
                        Updates.set(ConversationSize.DELETED, s.deleted))));
            }
        });
        BulkWrites.run(conversations, sizeWrites);
    }

    private static String dayId(PublishedEvent<?> event) {
        return event.subject() + "|" + UsageKeys.day(event.time());
    }

    /** The sizes of the conversations this batch counts for, as stored; a new conversation starts at nothing. */
    private Map<String, Sizes> loadSizes(List<PublishedEvent<?>> events) {
        Map<String, Sizes> sizes = new LinkedHashMap<>();
        events.forEach(e -> sizes.putIfAbsent(e.subject(), new Sizes(-1, 0, 0, false)));
        for (ConversationSize size : conversations.find(Filters.in("_id", sizes.keySet()))) {
            sizes.put(size.id(), new Sizes(size.version(), size.contentBytes(), size.textBytes(), size.deleted()));
        }
        return sizes;
    }

    private Map<String, Day> loadDays(List<PublishedEvent<?>> events) {
        Map<String, Day> days = new LinkedHashMap<>();
        events.forEach(e -> days.putIfAbsent(dayId(e), new Day(-1, accountOf(e.data()), UsageKeys.day(e.time()))));
        for (ConversationDay doc : daily.find(Filters.in("_id", days.keySet())).projection(Projections.include(ConversationDay.VERSION))) {
            Day fresh = days.get(doc.id());
            days.put(doc.id(), new Day(doc.version() == null ? 0 : doc.version(), fresh.accountId, fresh.day));
        }
        return days;
    }

    private static String accountOf(Object data) {
        return data instanceof ConversationEvent e ? e.accountId() : ((AccountEvent) data).accountId();
    }

    /** The counters an event adds to (field to amount), updating the conversation's sizes. */
    private static Map<String, Long> increments(Object data, Sizes conversation) {
        Map<String, Long> inc = new LinkedHashMap<>();
        if (data instanceof ConversationCreated e) created(e, conversation, inc);
        else if (data instanceof ConversationUpdated e) updated(e, conversation, inc);
        else if (data instanceof ConversationDeleted) deleted(conversation, inc);
        else if (data instanceof MessagePosted e) posted(e, conversation, inc);
        else if (data instanceof AgentReplied e) replied(e, conversation, inc);
        else if (data instanceof SummaryGenerated e) tokens(inc, e.model(), e.promptTokens(), e.completionTokens());
        else if (data instanceof AttachmentAdded e) inc.put(storage(ATTACHMENTS), e.size());
        else if (data instanceof AttachmentDeleted e) inc.put(storage(ATTACHMENTS), -e.size());
        else if (data instanceof ExportStorageReserved e) inc.put(storage(EXPORTS), e.size());
        else if (data instanceof ExportStorageReleased e) inc.put(storage(EXPORTS), -e.size());
        return inc;
    }

    private static void created(ConversationCreated e, Sizes conversation, Map<String, Long> inc) {
        inc.put(ConversationDay.CONVERSATIONS + "." + UsageKeys.field(e.source() == null ? "api" : e.source()), 1L);
        long bytes = bytes(e.content());
        conversation.contentBytes = bytes;
        conversation.text(inc, bytes);
    }

    private static void updated(ConversationUpdated e, Sizes conversation, Map<String, Long> inc) {
        if (e.content() != null) {
            long bytes = bytes(e.content());
            long delta = bytes - conversation.contentBytes;
            conversation.contentBytes = bytes;
            conversation.text(inc, delta);
        }
    }

    private static void deleted(Sizes conversation, Map<String, Long> inc) {
        conversation.text(inc, -conversation.textBytes);
        conversation.contentBytes = 0;
        conversation.deleted = true;
    }

    private static void posted(MessagePosted e, Sizes conversation, Map<String, Long> inc) {
        inc.put(ConversationDay.MESSAGES + "." + UsageKeys.field(e.role()), 1L);
        conversation.text(inc, bytes(e.content()));
    }

    private static void replied(AgentReplied e, Sizes conversation, Map<String, Long> inc) {
        inc.put(ConversationDay.MESSAGES + ".agent", 1L);
        tokens(inc, e.model(), e.promptTokens(), e.completionTokens());
        conversation.text(inc, bytes(e.content()));
    }

    private static void tokens(Map<String, Long> inc, String model, long prompt, long completion) {
        String m = ConversationDay.TOKENS + "." + UsageKeys.field(model == null ? "unknown" : model) + ".";
        inc.put(m + PROMPT, prompt);
        inc.put(m + COMPLETION, completion);
    }

    private static String storage(String type) {
        return ConversationDay.STORAGE + "." + type;
    }

    private static long bytes(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void reset() {
        daily.drop();
        conversations.drop();
        prepare();
    }
}
