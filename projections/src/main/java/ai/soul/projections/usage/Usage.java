package ai.soul.projections.usage;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.Document;
import org.springframework.stereotype.Component;
import org.bson.conversions.Bson;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads of the usage counters: {@link UsageProjector}'s (from the events) and {@link RequestCounters}' (from the metered requests). */
@Component
public class Usage {

    private final MongoCollection<Document> events;
    private final MongoCollection<Document> requests;

    public Usage(MongoDatabase db) {
        this.events = db.getCollection(UsageProjector.DAILY);
        this.requests = db.getCollection(RequestCounters.COLLECTION);
    }

    /** Bytes stored at the end of a day, by type. */
    public record Storage(long conversations, long attachments, long exports) {
        public long total() {
            return conversations + attachments + exports;
        }
    }

    public record Tokens(long prompt, long completion) {
        public long total() {
            return prompt + completion;
        }
    }

    /** The counters of the days from..to (both included); storage as it stood at the end of {@code to}. */
    public record Report(Map<String, Long> conversationsBySource, Map<String, Long> messagesByRole, Map<String, Tokens> tokensByModel,
                         long requests, Map<String, Long> requestsByEndpoint, Map<String, Long> requestsByStatus, Storage storage) {
    }

    /** The account's API requests counted for a day so far. */
    public long requests(String accountId, LocalDate day) {
        Document doc = requests.find(Filters.eq("_id", UsageKeys.id(accountId, day))).projection(Projections.include("requests")).first();
        return doc == null ? 0 : number(doc.get("requests"));
    }

    /** What the account stores at the end of the day {@code upTo}: the changes of every day up to it. */
    public Storage storage(String accountId, LocalDate since, LocalDate upTo) {
        long conversations = 0;
        long attachments = 0;
        long exports = 0;
        for (Document doc : eventDays(accountId, Projections.include("day", "storage"))) {
            Document storage = doc.get("storage", Document.class);
            if (storage != null && !LocalDate.parse(doc.getString("day")).isAfter(upTo)) {
                conversations += number(storage.get("conversations"));
                attachments += number(storage.get("attachments"));
                exports += number(storage.get("exports"));
            }
        }
        return new Storage(conversations, attachments, exports);
    }

    /** The account's counters from the events, one document per conversation and day, by the account_id index. */
    private Iterable<Document> eventDays(String accountId, Bson projection) {
        return events.find(Filters.eq("account_id", accountId)).projection(projection);
    }

    private static List<String> ids(String accountId, LocalDate from, LocalDate to) {
        List<String> ids = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            ids.add(UsageKeys.id(accountId, day));
        }
        return ids;
    }

    /** {@code since}: the account's first day, where its storage starts from nothing. */
    public Report report(String accountId, LocalDate since, LocalDate from, LocalDate to) {
        List<String> ids = ids(accountId, from, to);
        Map<String, Long> bySource = new TreeMap<>();
        Map<String, Long> byRole = new TreeMap<>();
        Map<String, Tokens> byModel = new TreeMap<>();
        for (Document doc : eventDays(accountId, Projections.include("day", "conversations", "messages", "tokens"))) {
            LocalDate day = LocalDate.parse(doc.getString("day"));
            if (day.isBefore(from) || day.isAfter(to)) {
                continue;
            }
            sum(doc.get("conversations", Document.class), bySource);
            sum(doc.get("messages", Document.class), byRole);
            Document tokens = doc.get("tokens", Document.class);
            if (tokens != null) {
                tokens.forEach((model, value) -> {
                    Document t = (Document) value;
                    byModel.merge(UsageKeys.unfield(model), new Tokens(number(t.get("prompt")), number(t.get("completion"))),
                            (a, b) -> new Tokens(a.prompt() + b.prompt(), a.completion() + b.completion()));
                });
            }
        }
        long total = 0;
        Map<String, Long> byEndpoint = new TreeMap<>();
        Map<String, Long> byStatus = new TreeMap<>();
        for (Document doc : requests.find(Filters.in("_id", ids)).projection(Projections.include("requests", "by_endpoint", "by_status"))) {
            total += number(doc.get("requests"));
            sum(doc.get("by_endpoint", Document.class), byEndpoint);
            sum(doc.get("by_status", Document.class), byStatus);
        }
        return new Report(bySource, byRole, byModel, total, byEndpoint, byStatus, storage(accountId, since.isAfter(to) ? to : since, to));
    }

    private static void sum(Document counters, Map<String, Long> into) {
        if (counters != null) {
            counters.forEach((key, value) -> into.merge(UsageKeys.unfield(key), number(value), Long::sum));
        }
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
