package ai.soul.projections.conversation;

import ai.soul.projections.History;
import ai.soul.projections.InMemoryMongo;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.soul.projections.History.applyAll;
import static ai.soul.projections.History.batches;
import static ai.soul.projections.History.randomBatches;
import static org.assertj.core.api.Assertions.assertThat;
import static ai.soul.projections.History.prepared;

/** Agent replies and summaries in the conversation read models: what they build, and that redelivery changes nothing. */
class RepliesAndSummariesProjectionTest {

    static final String ADA = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String BOB = "usr_01JQ8X7N4K2M9P3R5S6T8V0W1X";
    static final String PLANNING = "conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K";
    static final String SCRATCH = "conv_01JQ8Y2Y3Z4A5B6C7D8E9F0G1H";
    static final String S1 = "summary_01JQ8Y0A1B2C3D4E5F6G7H8J9K";
    static final String S2 = "summary_01JQ9A0A1B2C3D4E5F6G7H8J9K";
    static final String S3 = "summary_01JQ9B0A1B2C3D4E5F6G7H8J9K";
    static final String S4 = "summary_01JQ8Y2Y3Z4A5B6C7D8E9F0G1H";
    static final String ASK = "msg_01JQ9C0A1B2C3D4E5F6G7H8J9K";
    static final String ANSWER = "msg_01JQ9D0A1B2C3D4E5F6G7H8J9K";
    static final String ASK_AGAIN = "msg_01JQ9E0A1B2C3D4E5F6G7H8J9K";
    static final Instant START = Instant.parse("2025-03-14T09:26:53.589Z");
    static final String CONVERSATIONS = ConversationDocument.COLLECTION;
    static final String MESSAGES = MessageDocument.COLLECTION;
    static final String SUMMARIES = SummaryDocument.COLLECTION;

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();
    private MongoDatabase db;
    private ConversationProjector projector;
    private Conversations conversations;
    private List<PublishedEvent<?>> log;
    private PublishedEvent<?> replied;
    private PublishedEvent<?> generated;
    private PublishedEvent<?> s3Requested;

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        projector = prepared(new ConversationProjector(db));
        conversations = new Conversations(db);
        History h = new History(START);
        h.add(PLANNING, new ConversationCreated(PLANNING, ADA, "Quarterly planning", "Can we move the review to Friday?",
                "email", Map.of(), null, null, null));
        h.add(PLANNING, new SummaryRequested(PLANNING, ADA, S1, "en", "concise"));
        h.add(SCRATCH, new ConversationCreated(SCRATCH, ADA, "Scratch", "To be forgotten", "api", Map.of(), null, null, null));
        h.add(PLANNING, new MessagePosted(PLANNING, ADA, ASK, 0, "user", "Who joins the review?"));
        h.add(PLANNING, new AgentReplyRequested(PLANNING, ADA, ASK, null, true));
        h.add(SCRATCH, new SummaryRequested(SCRATCH, ADA, S4, "en", "concise"));
        generated = h.add(PLANNING, new SummaryGenerated(PLANNING, ADA, S1, "Review moved", "The review moves to Friday.",
                "positive", 0.4, List.of("review", "friday"), List.of("Move the review"), "local-extractive-1", "en", "concise", 40, 9));
        h.add(SCRATCH, new MessagePosted(SCRATCH, ADA, "msg_01JQ9F0A1B2C3D4E5F6G7H8J9K", 0, "user", "secret"));
        h.add(SCRATCH, new AgentReplyRequested(SCRATCH, ADA, "msg_01JQ9F0A1B2C3D4E5F6G7H8J9K", null, false));
        replied = h.add(PLANNING, new AgentReplied(PLANNING, ADA, ANSWER, 1, ASK, "Grace and the review team join.",
                "local-extractive-1", "Picked the sentence naming people.", 30, 7));
        h.add(SCRATCH, new AgentReplied(SCRATCH, ADA, "msg_01JQ9G0A1B2C3D4E5F6G7H8J9K", 1, "msg_01JQ9F0A1B2C3D4E5F6G7H8J9K",
                "noted", "local-extractive-1", null, 1, 1));
        h.add(SCRATCH, new SummaryGenerated(SCRATCH, ADA, S4, "Secret", "secret", "neutral", 0, List.of(), List.of(),
                "local-extractive-1", "en", "concise", 1, 1));
        h.add(PLANNING, new MessagePosted(PLANNING, ADA, ASK_AGAIN, 2, "user", "And the room?"));
        h.add(PLANNING, new AgentReplyRequested(PLANNING, ADA, ASK_AGAIN, "gpt-4o", false));
        h.add(SCRATCH, new ConversationDeleted(SCRATCH, ADA));
        h.add(PLANNING, new AgentReplyFailed(PLANNING, ADA, ASK_AGAIN, "AI provider unavailable: timeout", 3));
        h.add(PLANNING, new SummaryRequested(PLANNING, ADA, S2, "de", "bullet"));
        h.add(PLANNING, new SummaryFailed(PLANNING, ADA, S2, "Refused: unknown model", 1));
        s3Requested = h.add(PLANNING, new SummaryRequested(PLANNING, ADA, S3, "en", "detailed"));
        log = h.events();
    }

    private Map<String, List<Document>> state() {
        return InMemoryMongo.snapshot(db, CONVERSATIONS, MESSAGES, SUMMARIES);
    }

    private Map<String, List<Document>> build() {
        applyAll(projector, batches(log, 4));
        return state();
    }

    private Document message(String conversation, int index) {
        return db.getCollection(MESSAGES).find(Filters.eq("_id", MessageDocument.key(conversation, index))).first();
    }

    /** The conversation's document as stored, after checking that the account reads it. */
    private Document conversation(String account, String conversation) {
        assertThat(conversations.find(account, conversation)).isPresent();
        return db.getCollection(CONVERSATIONS).find(Filters.eq("_id", conversation)).first();
    }

    @Test
    void aReplyIsAnAgentMessageAndTheQuestionShowsItsOutcome() {
        build();
        Document planning = conversation(ADA, PLANNING);
        assertThat(planning.getInteger("message_count")).isEqualTo(3);
        assertThat(planning.get("pending_replies", Document.class)).isEmpty();

        Document answer = message(PLANNING, 1);
        assertThat(answer.getString("id")).isEqualTo(ANSWER);
        assertThat(answer.getString("role")).isEqualTo("agent");
        assertThat(answer.getString("content")).isEqualTo("Grace and the review team join.");
        assertThat(answer.getString("in_reply_to")).isEqualTo(ASK);
        assertThat(answer.getString("model")).isEqualTo("local-extractive-1");
        assertThat(answer.getString("reasoning")).isEqualTo("Picked the sentence naming people.");
        assertThat(answer.getDate("created_at")).isEqualTo(java.util.Date.from(replied.time()));

        assertThat(message(PLANNING, 0).getString("reply_status")).isEqualTo("completed");
        assertThat(message(PLANNING, 2).getString("reply_status")).isEqualTo("failed");
        assertThat(message(PLANNING, 2).getString("reply_error")).isEqualTo("AI provider unavailable: timeout");
        assertThat(conversations.messages(conversations.find(ADA, PLANNING).orElseThrow(), 1, 10).items()).extracting(MessageDocument::role)
                .containsExactly("user", "agent", "user");
    }

    @Test
    void aRequestedReplyIsPendingUntilItsOutcome() {
        applyAll(projector, batches(log.subList(0, 5), 2));
        assertThat(message(PLANNING, 0).getString("reply_status")).isEqualTo("pending");
        assertThat(conversation(ADA, PLANNING).get("pending_replies", Document.class))
                .isEqualTo(new Document(ASK, 0));
    }

    @Test
    void theConversationShowsItsLastSummaryAndTheStatusOfTheLatestRequest() {
        applyAll(projector, batches(log.subList(0, log.indexOf(generated)), 3));
        Document fresh = conversation(ADA, PLANNING);
        assertThat(fresh.getString("status")).isEqualTo("processing");
        assertThat(fresh.get("summary")).isNull();

        applyAll(projector, batches(log.subList(log.indexOf(generated), log.indexOf(s3Requested)), 3));
        // the second summary failed: the first one stays, the status says what became of the last request
        Document failed = conversation(ADA, PLANNING);
        assertThat(failed.getString("status")).isEqualTo("failed");
        Document summary = failed.get("summary", Document.class);
        assertThat(summary).isEqualTo(new Document("title", "Review moved").append("content", "The review moves to Friday.")
                .append("sentiment", "positive").append("topics", List.of("review", "friday"))
                .append("action_items", List.of("Move the review")));

        applyAll(projector, List.of(List.of(s3Requested)));
        Document running = conversation(ADA, PLANNING);
        assertThat(running.getString("status")).isEqualTo("processing");
        assertThat(running.get("summary", Document.class)).isEqualTo(summary);
    }

    @Test
    void eachSummaryIsADocumentOfItsOwnWithinItsAccount() {
        build();
        SummaryDocument first = conversations.summary(ADA, PLANNING, S1).orElseThrow();
        assertThat(first.status()).isEqualTo("completed");
        assertThat(first.language()).isEqualTo("en");
        assertThat(first.style()).isEqualTo("concise");
        assertThat(first.title()).isEqualTo("Review moved");
        assertThat(first.sentimentScore()).isEqualTo(0.4);
        assertThat(first.topics()).containsExactly("review", "friday");
        assertThat(first.actionItems()).containsExactly("Move the review");
        assertThat(first.model()).isEqualTo("local-extractive-1");
        assertThat(first.completedAt()).isEqualTo(generated.time());

        SummaryDocument second = conversations.summary(ADA, PLANNING, S2).orElseThrow();
        assertThat(second.status()).isEqualTo("failed");
        assertThat(second.error()).isEqualTo("Refused: unknown model");
        assertThat(second.style()).isEqualTo("bullet");

        assertThat(conversations.summary(ADA, PLANNING, S3).orElseThrow().status()).isEqualTo("processing");
        assertThat(conversations.summary(BOB, PLANNING, S1)).isEmpty();
        assertThat(conversations.summary(ADA, SCRATCH, S1)).isEmpty();
    }

    @Test
    void aDeletedConversationTakesItsRepliesAndSummariesWithIt() {
        build();
        assertThat(conversations.find(ADA, SCRATCH)).isEmpty();
        assertThat(db.getCollection(MESSAGES).countDocuments(Filters.eq("conversation_id", SCRATCH))).isZero();
        assertThat(db.getCollection(SUMMARIES).countDocuments(Filters.eq("conversation_id", SCRATCH))).isZero();
        Document tombstone = db.getCollection(CONVERSATIONS).find(Filters.eq("_id", SCRATCH)).first();
        assertThat(tombstone.get("summary")).isNull();
    }

    @Test
    void redeliveryInAnyCutChangesNothing() {
        Map<String, List<Document>> reference = build();
        Random random = new Random(4);
        for (int round = 0; round < 20; round++) {
            int from = random.nextInt(log.size());
            for (List<PublishedEvent<?>> batch : randomBatches(log.subList(from, log.size()), random)) {
                projector.apply(List.copyOf(batch));
                assertThat(state()).as("suffix from %d", from).isEqualTo(reference);
            }
        }
        for (long seed = 1; seed <= 4; seed++) {
            MongoDatabase fresh = mongo.newDatabase();
            applyAll(prepared(new ConversationProjector(fresh)), randomBatches(log, new Random(seed)));
            assertThat(InMemoryMongo.snapshot(fresh, CONVERSATIONS, MESSAGES, SUMMARIES)).as("cut %d", seed).isEqualTo(reference);
        }
    }

    @Test
    void everyWriteGoesById() {
        // the collections exist first (creating one is not a scan of it)
        applyAll(projector, batches(log.subList(0, 10), 4));
        mongo.clearScans();
        applyAll(projector, batches(log.subList(10, log.size()), 3));
        applyAll(projector, batches(log, 5));
        conversations.summary(ADA, PLANNING, S1);
        assertThat(mongo.scans(db)).isEmpty();
    }
}
