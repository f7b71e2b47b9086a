package ai.soul.projections.usage;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads of the usage counters: {@link UsageProjector}'s (from the events) and {@link RequestCounters}' (from the metered requests). */
@Component
public class Usage {

    private final MongoCollection<ConversationDay> events;
    private final MongoCollection<RequestDay> requests;

    public Usage(MongoDatabase db) {
        this.events = db.getCollection(ConversationDay.COLLECTION, ConversationDay.class);
        this.requests = db.getCollection(RequestDay.COLLECTION, RequestDay.class);
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
        RequestDay counted = requests.find(Filters.eq("_id", UsageKeys.id(accountId, day))).projection(Projections.include(RequestDay.REQUESTS))
                .first();
        return counted == null ? 0 : counted.requests();
    }

    /** What the account stores at the end of the day {@code upTo}: the changes of every day up to it. */
    public Storage storage(String accountId, LocalDate since, LocalDate upTo) {
        long conversations = 0;
        long attachments = 0;
        long exports = 0;
        for (ConversationDay day : eventDays(accountId, Projections.include(ConversationDay.DAY, ConversationDay.STORAGE))) {
            if (!LocalDate.parse(day.day()).isAfter(upTo)) {
                conversations += day.storage().conversations();
                attachments += day.storage().attachments();
                exports += day.storage().exports();
            }
        }
        return new Storage(conversations, attachments, exports);
    }

    /** The account's counters from the events, one document per conversation and day, by the account_id index. */
    private Iterable<ConversationDay> eventDays(String accountId, Bson projection) {
        return events.find(Filters.eq(ConversationDay.ACCOUNT_ID, accountId)).projection(projection);
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
        for (ConversationDay counted : eventDays(accountId, Projections.include(ConversationDay.DAY, ConversationDay.CONVERSATIONS,
                ConversationDay.MESSAGES, ConversationDay.TOKENS))) {
            LocalDate day = LocalDate.parse(counted.day());
            if (day.isBefore(from) || day.isAfter(to)) {
                continue;
            }
            sum(counted.conversations(), bySource);
            sum(counted.messages(), byRole);
            counted.tokens().forEach((model, t) -> byModel.merge(UsageKeys.unfield(model), new Tokens(t.prompt(), t.completion()),
                    (a, b) -> new Tokens(a.prompt() + b.prompt(), a.completion() + b.completion())));
        }
        long total = 0;
        Map<String, Long> byEndpoint = new TreeMap<>();
        Map<String, Long> byStatus = new TreeMap<>();
        for (RequestDay counted : requests.find(Filters.in("_id", ids))
                .projection(Projections.include(RequestDay.REQUESTS, RequestDay.BY_ENDPOINT, RequestDay.BY_STATUS))) {
            total += counted.requests();
            sum(counted.byEndpoint(), byEndpoint);
            sum(counted.byStatus(), byStatus);
        }
        return new Report(bySource, byRole, byModel, total, byEndpoint, byStatus, storage(accountId, since.isAfter(to) ? to : since, to));
    }

    private static void sum(Map<String, Long> counters, Map<String, Long> into) {
        counters.forEach((key, value) -> into.merge(UsageKeys.unfield(key), value, Long::sum));
    }
}
