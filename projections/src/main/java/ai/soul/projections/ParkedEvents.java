package ai.soul.projections;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.types.Binary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dead letters of the projections: a record of the log a projection could not apply, with the
 * error, kept so that the projection can go on with the rest of the log and an operator can retry
 * or discard it later. A record whose subject (aggregate) has a parked record is parked after it,
 * unapplied, so that a subject's events are never applied out of order.
 * <p>
 * Documents: {@code {_id: "<projection>/<partition>/<offset>", projection, subject, sequence, type,
 * event_id, partition, offset, record (the record's bytes), error, first (true for the record that
 * failed, false for one parked behind it), attempts, parked_at, last_attempt_at}}. The store holds
 * what the read models hold (the records carry personal data), so it lives beside them, never in logs.
 */
public class ParkedEvents {

    public static final String COLLECTION = "parked_events";
    private static final int MAX_ERROR = 1_000;

    private final MongoCollection<Document> parked;

    public ParkedEvents(MongoDatabase db) {
        this.parked = db.getCollection(COLLECTION);
        parked.createIndex(Indexes.ascending("projection", "subject", "partition", "offset"));
    }

    /** A parked record, without its bytes. */
    public record Parked(String id, String projection, String subject, long sequence, String type, String eventId,
                         int partition, long offset, String error, boolean first, int attempts, Instant parkedAt,
                         Instant lastAttemptAt) {
    }

    /** A parked record and its bytes, to apply it again. */
    public record Held(Parked parked, String topic, byte[] record) {
    }

    /** Parks a record; a redelivered record replaces its earlier parking. @return whether it was not parked before */
    public boolean park(String projection, String topic, int partition, long offset, String subject, long sequence, String type,
                     String eventId, byte[] record, Throwable error) {
        String id = id(projection, partition, offset);
        Date now = new Date();
        Document doc = new Document("_id", id)
                .append("projection", projection)
                .append("topic", topic)
                .append("subject", subject)
                .append("sequence", sequence)
                .append("type", type)
                .append("event_id", eventId)
                .append("partition", partition)
                .append("offset", offset)
                .append("record", new Binary(record))
                .append("error", error == null ? null : describe(error))
                .append("first", error != null)
                .append("attempts", 1)
                .append("parked_at", now)
                .append("last_attempt_at", now);
        return parked.replaceOne(Filters.eq("_id", id), doc, new ReplaceOptions().upsert(true)).getMatchedCount() == 0;
    }

    public static String id(String projection, int partition, long offset) {
        return projection + "/" + partition + "/" + offset;
    }

    /** The subjects of a projection that have parked records. */
    public Set<String> subjects(String projection) {
        Set<String> subjects = new HashSet<>();
        for (Document doc : parked.find(Filters.eq("projection", projection)).projection(Projections.include("subject"))) {
            subjects.add(doc.getString("subject"));
        }
        return subjects;
    }

    /** Parked records by projection: how many each has. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new HashMap<>();
        for (Document doc : parked.find().projection(Projections.include("projection"))) {
            counts.merge(doc.getString("projection"), 1L, Long::sum);
        }
        return counts;
    }

    /** The parked records (without their bytes), of one projection or all (null), by subject, then in the order of the log. */
    public List<Parked> list(String projection, int limit) {
        List<Parked> list = new ArrayList<>();
        var filter = projection == null ? new Document() : Filters.eq("projection", projection);
        for (Document doc : parked.find(filter).projection(Projections.exclude("record"))
                .sort(Sorts.ascending("projection", "subject", "partition", "offset")).limit(limit)) {
            list.add(parked(doc));
        }
        return list;
    }

    /**
     * Every parked record of a projection with its bytes, by subject and in the order of the log (a
     * subject's records are on one partition): the sequence numbers of a foreign producer's records
     * need not agree with it.
     */
    public List<Held> held(String projection, String subject) {
        var filter = subject == null ? Filters.eq("projection", projection)
                : Filters.and(Filters.eq("projection", projection), Filters.eq("subject", subject));
        List<Held> held = new ArrayList<>();
        for (Document doc : parked.find(filter).sort(Sorts.ascending("subject", "partition", "offset"))) {
            held.add(new Held(parked(doc), doc.getString("topic"), doc.get("record", Binary.class).getData()));
        }
        return held;
    }

    public Parked get(String id) {
        Document doc = parked.find(Filters.eq("_id", id)).projection(Projections.exclude("record")).first();
        return doc == null ? null : parked(doc);
    }

    /** An attempt to apply it again failed: the new error, one more attempt. */
    public void failedAgain(String id, Throwable error) {
        parked.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("error", describe(error)), Updates.set("first", true),
                Updates.inc("attempts", 1), Updates.set("last_attempt_at", new Date())));
    }

    /** Applied after all, or discarded by an operator. */
    public boolean remove(String id) {
        return parked.deleteOne(Filters.eq("_id", id)).getDeletedCount() > 0;
    }

    /** Forgets a projection's parked records (its read model is rebuilt from the log, where they are). */
    public void clear(String projection) {
        parked.deleteMany(Filters.eq("projection", projection));
    }

    private static Parked parked(Document doc) {
        Number sequence = doc.get("sequence", Number.class);
        Number offset = doc.get("offset", Number.class);
        Number partition = doc.get("partition", Number.class);
        Number attempts = doc.get("attempts", Number.class);
        Date parkedAt = doc.getDate("parked_at");
        Date lastAttempt = doc.getDate("last_attempt_at");
        return new Parked(doc.getString("_id"), doc.getString("projection"), doc.getString("subject"),
                sequence == null ? -1 : sequence.longValue(), doc.getString("type"), doc.getString("event_id"),
                partition == null ? -1 : partition.intValue(), offset == null ? -1 : offset.longValue(), doc.getString("error"),
                Boolean.TRUE.equals(doc.getBoolean("first")), attempts == null ? 0 : attempts.intValue(),
                parkedAt == null ? null : parkedAt.toInstant(), lastAttempt == null ? null : lastAttempt.toInstant());
    }

    /** The error's kind and message, bounded; the message may quote the record, so this goes here, never to a log. */
    static String describe(Throwable error) {
        String text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
    }
}
