package ai.soul.projections;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a batch changes in documents that carry {@value #VERSION}, the sequence number of the last event
 * applied to them. The changes of one document become one update, field by field (the last value wins),
 * written as a compare-and-set on {_id, version} with the version stored before the first of them: a
 * redelivered event writes nothing twice, and a writer that raced ahead makes the write match nothing.
 * The writes keep the order they were made in; a write of another kind (a creation) is {@link #add}ed
 * in its place. {@link #compareAndSet} is the same guard for a document written once per batch.
 * <p>
 * On the embedded server the filter is a lookup only with a unique {_id, version} index ({@link #index}):
 * it uses an index only when the filter's keys are exactly the index's.
 */
public final class VersionedChanges<T> {

    public static final String VERSION = "version";
    /** A field removed ($unset), as opposed to set to a value. */
    public static final Object UNSET = new Object();

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final List<WriteModel<T>> writes = new ArrayList<>();

    /** The index that makes the compare-and-set a lookup on the embedded server (MongoDB needs only _id). */
    public static void index(MongoCollection<?> collection) {
        collection.createIndex(Indexes.compoundIndex(Indexes.ascending("_id"), Indexes.ascending(VERSION)), new IndexOptions().unique(true));
    }

    /**
     * The update of the document whose stored version is {@code stored}; -1: none is stored yet, and the
     * upsert creates it. A plain {_id, version} document: Filters.and would render as $and, which no index
     * of the embedded server serves.
     */
    public static <T> WriteModel<T> compareAndSet(String id, long stored, Bson update) {
        return stored < 0
                ? new UpdateOneModel<>(new Document("_id", id), update, new UpdateOptions().upsert(true))
                : new UpdateOneModel<>(new Document("_id", id).append(VERSION, stored), update);
    }

    /** The changes of event {@code seq} to document {@code id}, whose version is {@code before} until then. */
    public void change(String id, long before, long seq, Map<String, ?> changes) {
        Pending document = pending.computeIfAbsent(id, Pending::new);
        if (document.conflicts(changes)) {
            document.flush(writes);
        }
        if (document.fields.isEmpty()) {
            document.from = before;
        }
        document.fields.putAll(changes);
        document.version = seq;
    }

    /** A write of another kind (a creation), in its place among the others. */
    public void add(WriteModel<T> write) {
        writes.add(write);
    }

    /** Every write, the changes not written yet last. */
    public List<WriteModel<T>> writes() {
        pending.values().forEach(document -> document.flush(writes));
        return writes;
    }

    private static final class Pending {
        final String id;
        final Map<String, Object> fields = new LinkedHashMap<>();
        long from;
        long version;

        Pending(String id) {
            this.id = id;
        }

        /**
         * A path that is a prefix of a pending one (or the other way round) cannot be in the same
         * update, and a field set after it was removed (or removed after it was set) is written
         * in two, so that the fields end up in the same order however the log is cut into batches.
         */
        boolean conflicts(Map<String, ?> changes) {
            for (Map.Entry<String, ?> change : changes.entrySet()) {
                String path = change.getKey();
                if (fields.containsKey(path)) {
                    if ((fields.get(path) == UNSET) != (change.getValue() == UNSET)) {
                        return true;
                    }
                    continue;
                }
                for (String other : fields.keySet()) {
                    if (other.startsWith(path + ".") || path.startsWith(other + ".")) {
                        return true;
                    }
                }
            }
            return false;
        }

        <T> void flush(List<WriteModel<T>> writes) {
            if (fields.isEmpty()) {
                return;
            }
            Document set = new Document();
            Document unset = new Document();
            fields.forEach((path, value) -> {
                if (value == UNSET) {
                    unset.append(path, "");
                } else {
                    set.append(path, value);
                }
            });
            set.append(VERSION, version);
            Document update = new Document("$set", set);
            if (!unset.isEmpty()) {
                update.append("$unset", unset);
            }
            writes.add(new UpdateOneModel<>(new Document("_id", id).append(VERSION, from), update));
            fields.clear();
        }
    }
}
