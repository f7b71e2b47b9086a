package ai.soul.projections;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a projection in MongoDB is in the log: per consumer group, topic and partition, the offset of the
 * next record to apply. It lives in the same database as the read models and is written after the
 * writes of the records it covers, so whatever survives a crash of the database (the embedded one
 * persists a consistent snapshot about once a second) never claims more than the read models hold.
 * The consumer starts from here, never from the offsets committed to Kafka, which may be ahead.
 * Documents: {@code {_id: "<group>:<topic>:<partition>", group, topic, partition, offset, updated_at}};
 * every hot-path access goes by {@code _id}.
 */
public class ProjectionOffsets implements OffsetStore {

    public static final String COLLECTION = "projection_offsets";

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> offsets;
    private final MongoDatabase database;
    private final String group;

    /** The offsets of one consumer group. */
    public ProjectionOffsets(MongoDatabase db, String group) {
        this.database = db;
        this.offsets = db.getCollection(COLLECTION);
        this.group = group;
    }

    public static String id(String group, String topic, int partition) {
        return group + ":" + topic + ":" + partition;
    }

    @Override
    public Map<Integer, Long> load(String topic, Collection<Integer> partitions) {
        Map<String, Integer> byId = new HashMap<>();
        for (int partition : partitions) {
            byId.put(id(group, topic, partition), partition);
        }
        Map<Integer, Long> stored = new HashMap<>();
        if (byId.isEmpty()) {
            return stored;
        }
        for (Document doc : offsets.find(Filters.in("_id", byId.keySet()))) {
            Integer partition = byId.get(doc.getString("_id"));
            Object offset = doc.get("offset");
            if (partition != null && offset instanceof Number number) {
                stored.put(partition, number.longValue());
            }
        }
        return stored;
    }

    /**
     * Records that everything before {@code nextOffsets.get(p)} has been applied, partition by
     * partition, in one round trip. An offset never moves back here ({@code $max}): only
     * {@link #clear} starts a group over.
     */
    @Override
    public void store(String topic, Map<Integer, Long> nextOffsets) {
        if (nextOffsets.isEmpty()) {
            return;
        }
        Date now = new Date();
        List<WriteModel<Document>> writes = new ArrayList<>(nextOffsets.size());
        nextOffsets.forEach((partition, offset) -> writes.add(new UpdateOneModel<>(
                Filters.eq("_id", id(group, topic, partition)), Updates.combine(
                        Updates.setOnInsert("group", group),
                        Updates.setOnInsert("topic", topic),
                        Updates.setOnInsert("partition", partition),
                        Updates.max("offset", offset),
                        Updates.set("updated_at", now)), UPSERT)));
        BulkWrites.run(offsets, writes);
    }

    /** Whether the database of the read models answers a ping now. */
    @Override
    public boolean available() {
        try {
            database.runCommand(new Document("ping", 1));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Forgets every offset of the group (a rebuild); a handful of documents, so a filter is fine. */
    @Override
    public void clear() {
        offsets.deleteMany(Filters.eq("group", group));
    }
}
