package ai.soul.projections.usage;

import ai.soul.projections.History;
import ai.soul.projections.InMemoryMongo;
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
import ai.soul.schemas.conversation.SummaryRequested;
import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.soul.projections.History.applyAll;
import static ai.soul.projections.History.batches;
import static ai.soul.projections.History.randomBatches;
import static org.assertj.core.api.Assertions.assertThat;
import static ai.soul.projections.History.prepared;

/** Usage from the events against a real MongoDB wire protocol: exact figures, per account and day, and replays change nothing. */
class UsageProjectorTest {

    static final String ADA = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String BOB = "usr_01JQ8X7N4K2M9P3R5S6T8V0W1X";
    static final String C1 = "conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K";
    static final String C2 = "conv_01JQ8Y1B2C3D4E5F6G7H8J9K0M";
    static final String C3 = "conv_01JQ8Y2C3D4E5F6G7H8J9K0M1N";
    static final String BOB_CONV = "conv_01JQ8Y3D4E5F6G7H8J9K0M1N2P";
    static final LocalDate DAY = LocalDate.parse("2025-02-03");
    static final LocalDate SINCE = DAY.minusDays(40);

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();

    private MongoDatabase db;
    private UsageProjector projector;
    private Usage usage;
    private List<PublishedEvent<?>> log;

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        projector = prepared(new UsageProjector(db));
        usage = new Usage(db);
        History h = new History(Instant.parse("2025-02-03T08:00:00Z"));
        h.add(C1, new ConversationCreated(C1, ADA, "One", "hello", "email", Map.of(), null, null, null));      // 5 bytes
        h.add(C1, new SummaryRequested(C1, ADA, "summary_1", "en", "concise"));
        h.add(C1, new SummaryGenerated(C1, ADA, "summary_1", "t", "c", "neutral", 0, List.of(), List.of(), "local-extractive-1",
                "en", "concise", 10, 3));
        h.add(C1, new MessagePosted(C1, ADA, "msg_1", 0, "user", "héllo"));                                    // 6 bytes
        h.add(C1, new AgentReplied(C1, ADA, "msg_2", 1, "msg_1", "hi there", "gpt-4.1", null, 20, 4));          // 8 bytes
        h.add(C1, new ConversationUpdated(C1, ADA, null, "hello world", null, null, null, null));               // +6 bytes
        h.add(C1, new AttachmentAdded(C1, ADA, "att_1", "a.pdf", "application/pdf", 1000, "x", "s1"));
        h.add(C2, new ConversationCreated(C2, ADA, "Two", "abc", "api", Map.of(), null, null, null));            // 3 bytes
        h.add(C2, new AttachmentAdded(C2, ADA, "att_2", "b.pdf", "application/pdf", 500, "y", "s2"));
        h.add(C3, new ConversationCreated(C3, ADA, "Three", "gone soon", "email", Map.of(), null, null, null));  // 9 bytes
        h.add(C3, new MessagePosted(C3, ADA, "msg_3", 0, "user", "bye"));                                      // 3 bytes
        h.add(C3, new AttachmentAdded(C3, ADA, "att_3", "c.pdf", "application/pdf", 300, "z", "s3"));
        h.add(C3, new AttachmentDeleted(C3, ADA, "att_3", 300));
        h.add(C3, new ConversationDeleted(C3, ADA));
        // export files are reserved on the account's own stream
        h.add(ADA, new ExportStorageReserved(ADA, "exp_1", "file_1", 2000));
        h.add(ADA, new ExportStorageReserved(ADA, "exp_2", "file_2", 700));
        h.add(ADA, new ExportStorageReleased(ADA, "exp_2", "file_2", 700));
        h.add(BOB_CONV, new ConversationCreated(BOB_CONV, BOB, "Bob's", "bob", "whatsapp", Map.of(), null, null, null));
        h.add(BOB_CONV, new AgentReplied(BOB_CONV, BOB, "msg_4", 0, null, "ok", "local-extractive-1", null, 7, 1));
        log = h.events();
    }

    @Test
    void countsWhatEachAccountUsed() {
        applyAll(projector, batches(log, 4));

        Usage.Report ada = usage.report(ADA, SINCE, DAY, DAY);
        assertThat(ada.conversationsBySource()).isEqualTo(Map.of("email", 2L, "api", 1L));
        assertThat(ada.messagesByRole()).isEqualTo(Map.of("user", 2L, "agent", 1L));
        assertThat(ada.tokensByModel()).isEqualTo(Map.of("local-extractive-1", new Usage.Tokens(10, 3), "gpt-4.1", new Usage.Tokens(20, 4)));
        // C1: "hello world" + "héllo" + "hi there" = 11 + 6 + 8; C2: 3; C3 deleted; one export of 2000 bytes kept
        assertThat(ada.storage()).isEqualTo(new Usage.Storage(28, 1500, 2000));
        assertThat(ada.storage().total()).isEqualTo(3528);

        Usage.Report bob = usage.report(BOB, SINCE, DAY, DAY);
        assertThat(bob.conversationsBySource()).isEqualTo(Map.of("whatsapp", 1L));
        assertThat(bob.messagesByRole()).isEqualTo(Map.of("agent", 1L));
        assertThat(bob.storage()).isEqualTo(new Usage.Storage(5, 0, 0));

        assertThat(usage.report(ADA, SINCE, DAY.plusDays(1), DAY.plusDays(3)).conversationsBySource()).isEmpty();
        assertThat(usage.report(ADA, SINCE, DAY.plusDays(1), DAY.plusDays(3)).storage()).isEqualTo(new Usage.Storage(28, 1500, 2000));
        assertThat(usage.storage(ADA, SINCE, DAY.minusDays(1))).isEqualTo(new Usage.Storage(0, 0, 0));
    }

    /**
     * Every write is a compare-and-set by {_id, version}, a unique index. An account's report reads its
     * documents by account_id: MongoDB serves that from the index; the embedded server, which only uses
     * unique indexes, scans this one collection (as it does for a conversation list).
     */
    @Test
    void writesGoByTheIdIndexAndReportsByTheAccount() {
        applyAll(projector, batches(log, 4));
        mongo.clearScans();
        projector.apply(log.subList(0, 6));
        assertThat(mongo.scans(db)).isEmpty();

        usage.report(ADA, SINCE, DAY.minusDays(3), DAY);
        usage.storage(BOB, SINCE, DAY);
        assertThat(mongo.scans(db)).allSatisfy(scan -> assertThat(scan).startsWith(ConversationDay.COLLECTION + " {\"account_id\""));
        assertThat(db.getCollection(ConversationDay.COLLECTION).listIndexes().map(i -> i.get("key", org.bson.Document.class).keySet())
                .into(new ArrayList<>())).contains(java.util.Set.of("account_id"));
    }

    @Test
    void replaysAndRedeliveriesChangeNothing() {
        applyAll(projector, batches(log, 3));
        Map<String, List<org.bson.Document>> once = InMemoryMongo.snapshot(db, ConversationDay.COLLECTION, ConversationSize.COLLECTION);

        applyAll(projector, batches(log, 5));                 // the whole log again
        applyAll(projector, randomBatches(log, new Random(7)));
        List<PublishedEvent<?>> overlapping = new ArrayList<>(log.subList(3, 9));
        overlapping.addAll(log.subList(0, 12));               // an older event after newer ones, as a redelivery brings them
        projector.apply(overlapping);

        assertThat(InMemoryMongo.snapshot(db, ConversationDay.COLLECTION, ConversationSize.COLLECTION)).isEqualTo(once);
    }

    @Test
    void aResetAndAReplayBuildTheSameFigures() {
        applyAll(projector, randomBatches(log, new Random(3)));
        Usage.Report before = usage.report(ADA, SINCE, DAY, DAY);
        projector.reset();
        assertThat(usage.report(ADA, SINCE, DAY, DAY).conversationsBySource()).isEmpty();
        applyAll(projector, batches(log, 1));
        assertThat(usage.report(ADA, SINCE, DAY, DAY)).isEqualTo(before);
    }
}
