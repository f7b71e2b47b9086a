package ai.soul.projections.usage;

import ai.soul.schemas.usage.MeteredRequest;
import ai.soul.projections.InMemoryMongo;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Request counters per account and day against a real MongoDB wire protocol: redelivered records are not counted twice. */
class RequestCountersTest {

    static final String ADA = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String BOB = "usr_01JQ8X7N4K2M9P3R5S6T8V0W1X";
    static final Instant T = Instant.parse("2025-02-03T23:59:58Z");

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();
    private MongoDatabase db;
    private RequestCounters counters;
    private Usage usage;

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        counters = new RequestCounters(db);
        usage = new Usage(db);
    }

    static RequestCounters.Positioned at(int partition, long offset, String account, String route, int status, Instant time) {
        return new RequestCounters.Positioned(partition, offset,
                new MeteredRequest(account, account == null ? null : "key_" + account.substring(4), "GET", route, status, 10, 100, time, 3));
    }

    @Test
    void countsPerAccountAndDayOnceEach() {
        List<RequestCounters.Positioned> batch = List.of(
                at(0, 0, ADA, "/v1/conversations", 200, T),
                at(1, 0, ADA, "/v1/conversations/{id}", 404, T),
                at(0, 1, ADA, "/v1/conversations", 200, T.plusSeconds(1)),
                at(0, 2, null, "/v1/health", 200, T),
                at(1, 1, BOB, "/v1/conversations", 201, T),
                at(0, 3, ADA, "/v1/conversations", 200, T.plusSeconds(3)));   // the next day
        counters.count(batch.subList(0, 4));
        counters.count(batch);          // a redelivery overlapping the first batch
        counters.count(batch.subList(2, 6));

        LocalDate day = LocalDate.parse("2025-02-03");
        Usage.Report ada = usage.report(ADA, day, day, day);
        assertThat(ada.requests()).isEqualTo(3);
        assertThat(ada.requestsByEndpoint()).isEqualTo(Map.of("GET /v1/conversations", 2L, "GET /v1/conversations/{id}", 1L));
        assertThat(ada.requestsByStatus()).isEqualTo(Map.of("200", 2L, "404", 1L));
        assertThat(usage.requests(ADA, day.plusDays(1))).isEqualTo(1);
        assertThat(usage.report(ADA, day, day, day.plusDays(1)).requests()).isEqualTo(4);
        assertThat(usage.requests(BOB, day)).isEqualTo(1);
        Document doc = db.getCollection(RequestDay.COLLECTION).find(new Document("_id", ADA + "|2025-02-03")).first();
        assertThat(doc.getLong("request_bytes")).isEqualTo(30);
        assertThat(doc.getLong("response_bytes")).isEqualTo(300);
    }

    @Test
    void recordsTheLastUseOfEachKey() {
        db.getCollection("api_keys").insertOne(new Document("_id", "hash").append("key_id", "key_" + ADA.substring(4)));
        counters.count(List.of(at(0, 0, ADA, "/v1/conversations", 200, T.plusSeconds(5)), at(0, 1, ADA, "/v1/conversations", 200, T)));
        mongo.clearScans();
        counters.count(List.of(at(0, 1, ADA, "/v1/conversations", 200, T)));
        usage.requests(ADA, LocalDate.parse("2025-02-03"));
        assertThat(mongo.scans(db)).isEmpty();
        assertThat(db.getCollection("api_keys").find().first().getDate("last_used_at")).isEqualTo(Date.from(T.plusSeconds(5)));
    }
}
