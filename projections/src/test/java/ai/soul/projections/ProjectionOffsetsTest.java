package ai.soul.projections;

import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where each consumer group is in each partition, next to the read models. */
class ProjectionOffsetsTest {

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();

    private MongoDatabase db;
    private ProjectionOffsets offsets;
    private ProjectionOffsets search;

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        offsets = new ProjectionOffsets(db, "read-models");
        search = new ProjectionOffsets(db, "search");
    }

    @Test
    void aPartitionWithoutAStoredOffsetHasNone() {
        assertThat(offsets.load("soul.events", List.of(0, 1, 2, 3))).isEmpty();
        assertThat(offsets.load("soul.events", List.of())).isEmpty();
    }

    @Test
    void storedOffsetsAreLoadedPerGroupTopicAndPartition() {
        offsets.store("soul.events", Map.of(0, 17L, 2, 5L));
        offsets.store("other.topic", Map.of(0, 99L));
        search.store("soul.events", Map.of(1, 3L));

        assertThat(offsets.load("soul.events", List.of(0, 1, 2, 3))).isEqualTo(Map.of(0, 17L, 2, 5L));
        assertThat(search.load("soul.events", List.of(0, 1, 2, 3))).isEqualTo(Map.of(1, 3L));

        Document stored = db.getCollection(ProjectionOffsets.COLLECTION).find(new Document("_id", "read-models:soul.events:0")).first();
        assertThat(stored).containsOnlyKeys("_id", "group", "topic", "partition", "offset", "updated_at");
        assertThat(stored.getString("group")).isEqualTo("read-models");
        assertThat(stored.getString("topic")).isEqualTo("soul.events");
        assertThat(stored.getInteger("partition")).isZero();
        assertThat(stored.getLong("offset")).isEqualTo(17L);
    }

    @Test
    void anOffsetOnlyMovesForwardUntilTheGroupIsCleared() {
        offsets.store("soul.events", Map.of(0, 40L, 1, 7L));
        offsets.store("soul.events", Map.of(0, 12L, 1, 9L));
        assertThat(offsets.load("soul.events", List.of(0, 1))).isEqualTo(Map.of(0, 40L, 1, 9L));

        search.store("soul.events", Map.of(0, 3L));
        offsets.clear();
        assertThat(offsets.load("soul.events", List.of(0, 1))).isEmpty();
        assertThat(search.load("soul.events", List.of(0))).isEqualTo(Map.of(0, 3L));

        offsets.store("soul.events", Map.of(0, 2L));
        assertThat(offsets.load("soul.events", List.of(0, 1))).isEqualTo(Map.of(0, 2L));
    }

    @Test
    void storingAndLoadingGoByIdAndNeverScan() {
        offsets.store("soul.events", Map.of(0, 1L, 1, 1L, 2, 1L, 3, 1L));
        mongo.clearScans();
        for (long next = 2; next < 50; next++) {
            offsets.store("soul.events", Map.of(0, next, 1, next, 2, next, 3, next));
            offsets.load("soul.events", List.of(0, 1, 2, 3));
        }
        assertThat(mongo.scans(db)).isEmpty();
    }
}
