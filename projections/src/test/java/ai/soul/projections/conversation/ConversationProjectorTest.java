package ai.soul.projections.conversation;

import ai.soul.projections.History;
import ai.soul.projections.InMemoryMongo;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.EmailClaimed;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import static ai.soul.projections.History.applyAll;
import static ai.soul.projections.History.batches;
import static ai.soul.projections.History.randomBatches;
import static ai.soul.projections.conversation.Conversations.CONVERSATIONS;
import static ai.soul.projections.conversation.Conversations.MESSAGES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conversation read models against a real MongoDB wire protocol: what a realistic log builds,
 * how it reads, and that a redelivered event - alone, in a suffix of the log, twice in one batch,
 * in batches cut differently, or after a reset - never changes what was built.
 */
class ConversationProjectorTest {

    static final String ADA = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String BOB = "usr_01JQ8X7N4K2M9P3R5S6T8V0W1X";
    static final String PLANNING = "conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K";
    static final String SUPPORT = "conv_01JQ8Y1M2N3P4Q5R6S7T8V9W0X";
    static final String SCRATCH = "conv_01JQ8Y2Y3Z4A5B6C7D8E9F0G1H";
    static final String BOBS = "conv_01JQ8Y3J4K5M6N7P8Q9R0S1T2V";
    static final String DRAFT = "conv_01JQ8Y4W5X6Y7Z8A9B0C1D2E3F";
    static final String AGENT = "agent_01JQ8Y5A6B7C8D9E0F1G2H3J4K";

    static final Instant START = Instant.parse("2025-03-14T09:26:53.589Z");
    static final int BATCH = 5;

    private static InMemoryMongo mongo;

    private MongoDatabase db;
    private ConversationProjector projector;
    private Conversations conversations;

    private final History history = new History(START);
    private final Map<String, Integer> nextIndex = new HashMap<>();
    private final Map<String, List<PublishedEvent<MessagePosted>>> posted = new HashMap<>();
    private List<PublishedEvent<?>> log;

    private PublishedEvent<?> planningCreated;
    private PublishedEvent<?> supportCreated;
    private PublishedEvent<?> supportUpdated;
    private PublishedEvent<?> scratchDeleted;
    private PublishedEvent<?> draftCreated;

    @BeforeAll
    static void startMongo() {
        mongo = new InMemoryMongo();
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        projector = new ConversationProjector(db);
        conversations = new Conversations(db);

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("thread_id", "CAF=x7Q@mail.example.com");
        metadata.put("labels", List.of("work", "follow-up"));
        metadata.put("priority", 2);
        metadata.put("customer", Map.of("tier", "gold", "vip", true));
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("priority", 3);
        patch.put("labels", null);
        patch.put("reviewed", true);

        // events of other aggregates are on the same log and must be ignored
        history.add(ADA, new AccountRegistered(ADA, "ada@example.com", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
                "Ada Lovelace", "Analytical Engines Ltd", "pro"));
        history.add(History.sha256("ada@example.com"), new EmailClaimed(History.sha256("ada@example.com"), ADA));
        history.add(ADA, new ApiKeyIssued(ADA, "key_01JQ8X2Y3Z4A5B6C7D8E9F0G1H", "soul_4f9a", History.sha256("soul_4f9a…")));
        planningCreated = history.add(PLANNING, new ConversationCreated(PLANNING, ADA, "Quarterly planning",
                "Can we move the review to Friday?", "email", metadata, "You are a concise assistant.", "gpt-4o-mini", AGENT));
        post(PLANNING, ADA, "user", "Can we move the review to Friday?");
        supportCreated = history.add(SUPPORT, new ConversationCreated(SUPPORT, ADA, "WhatsApp support", null, "whatsapp",
                null, null, null, null));
        post(PLANNING, ADA, "agent", "Friday works; I have moved it to 10:00.");
        history.add(BOB, new AccountRegistered(BOB, "bob@example.org", "$2a$12$R9h/cIPz0gi.URNNX3kh2O", null, null, "free"));
        history.add(BOBS, new ConversationCreated(BOBS, BOB, "Bob's private chat", "Only for Bob", "api",
                Map.of("secret", "bob-only"), null, null, null));
        post(SUPPORT, ADA, "user", "Is my order on its way?");
        post(PLANNING, ADA, "user", "Thanks! Can you also invite Grace?");
        history.add(SCRATCH, new ConversationCreated(SCRATCH, ADA, "Scratch", "To be forgotten", "api",
                Map.of("draft", true), "Be brief.", null, null));
        post(SCRATCH, ADA, "user", "My card number is 4111 1111 1111 1111");
        history.add(PLANNING, new ConversationUpdated(PLANNING, ADA, "Quarterly planning (moved)", null, patch,
                null, null, null));
        post(BOBS, BOB, "user", "Hello from Bob");
        post(SCRATCH, ADA, "agent", "Noted.");
        scratchDeleted = history.add(SCRATCH, new ConversationDeleted(SCRATCH, ADA));
        draftCreated = history.add(DRAFT, new ConversationCreated(DRAFT, ADA, "Draft", null, "api", Map.of(), null, null, null));
        post(PLANNING, ADA, "agent", "Grace is invited.");
        supportUpdated = history.add(SUPPORT, new ConversationUpdated(SUPPORT, ADA, null, null, null, null, "llama3.1:8b", null));
        history.add(BOBS, new ConversationUpdated(BOBS, BOB, "Renamed by Bob", null, Map.of("secret", "still-bob"),
                null, null, null));
        log = history.events();
    }

    private void post(String conversation, String account, String role, String content) {
        int index = nextIndex.merge(conversation, 0, (last, zero) -> last + 1);
        String messageId = History.ulid("msg", START.plusSeconds(history.events().size()), 7_000 + history.events().size());
        posted.computeIfAbsent(conversation, c -> new ArrayList<>())
                .add(history.add(conversation, new MessagePosted(conversation, account, messageId, index, role, content)));
    }

    private Map<String, List<Document>> state() {
        return state(db);
    }

    private static Map<String, List<Document>> state(MongoDatabase db) {
        return InMemoryMongo.snapshot(db, CONVERSATIONS, MESSAGES);
    }

    /** The read models as the first build in batches of {@value BATCH} leaves them. */
    private Map<String, List<Document>> build() {
        applyAll(projector, batches(log, BATCH));
        return state();
    }

    private static Date at(PublishedEvent<?> event) {
        return Date.from(event.time());
    }

    private Document raw(String conversationId) {
        return db.getCollection(CONVERSATIONS).find(Filters.eq("_id", conversationId)).first();
    }

    private static List<String> ids(Conversations.Page page) {
        return page.items().stream().map(doc -> doc.getString("_id")).toList();
    }

    @Test
    void theIdsLookLikeTheContractWantsThem() {
        Pattern ulid = Pattern.compile("^(usr|conv|msg|agent|key|evt)_[0-9A-HJKMNP-TV-Z]{26}$");
        Set<String> all = new HashSet<>(List.of(ADA, BOB, PLANNING, SUPPORT, SCRATCH, BOBS, DRAFT, AGENT));
        log.forEach(event -> all.add(event.id()));
        posted.values().forEach(list -> list.forEach(event -> all.add(event.data().messageId())));
        assertThat(all).allMatch(id -> ulid.matcher(id).matches());
        assertThat(log).extracting(PublishedEvent::time).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void buildsEveryFieldOfAConversationFromCreationUpdateAndMessages() {
        build();

        Document planning = conversations.find(ADA, PLANNING).orElseThrow();
        PublishedEvent<MessagePosted> lastMessage = posted.get(PLANNING).get(3);
        assertThat(planning).containsOnlyKeys("_id", "account_id", "title", "content", "source", "status", "metadata",
                "system_prompt", "llm_id", "agent_id", "summary", "message_count", "created_at", "updated_at",
                "last_message_at", "deleted", "version");
        assertThat(planning.getString("_id")).isEqualTo(PLANNING);
        assertThat(planning.getString("account_id")).isEqualTo(ADA);
        assertThat(planning.getString("title")).isEqualTo("Quarterly planning (moved)");
        assertThat(planning.getString("content")).isEqualTo("Can we move the review to Friday?");
        assertThat(planning.getString("source")).isEqualTo("email");
        assertThat(planning.getString("status")).isEqualTo("processing");
        // priority changed, labels removed (null value), reviewed added, the rest kept
        assertThat(planning.get("metadata", Document.class)).isEqualTo(new Document()
                .append("thread_id", "CAF=x7Q@mail.example.com")
                .append("priority", 3)
                .append("customer", new Document("tier", "gold").append("vip", true))
                .append("reviewed", true));
        assertThat(planning.getString("system_prompt")).isEqualTo("You are a concise assistant.");
        assertThat(planning.getString("llm_id")).isEqualTo("gpt-4o-mini");
        assertThat(planning.getString("agent_id")).isEqualTo(AGENT);
        assertThat(planning.get("summary")).isNull();
        assertThat(planning.getInteger("message_count")).isEqualTo(4);
        assertThat(planning.getDate("created_at")).isEqualTo(at(planningCreated));
        assertThat(planning.getDate("updated_at")).isEqualTo(at(lastMessage));
        assertThat(planning.getDate("last_message_at")).isEqualTo(at(lastMessage));
        assertThat(planning.getBoolean("deleted")).isFalse();
        assertThat(planning.getLong("version")).isEqualTo(lastMessage.sequence()).isEqualTo(5L);

        Document support = conversations.find(ADA, SUPPORT).orElseThrow();
        assertThat(support.getString("title")).isEqualTo("WhatsApp support");
        assertThat(support.containsKey("content")).isTrue();
        assertThat(support.get("content")).isNull();
        assertThat(support.getString("source")).isEqualTo("whatsapp");
        assertThat(support.get("metadata", Document.class)).isEmpty();
        assertThat(support.get("system_prompt")).isNull();
        assertThat(support.getString("llm_id")).isEqualTo("llama3.1:8b");
        assertThat(support.get("agent_id")).isNull();
        assertThat(support.getInteger("message_count")).isEqualTo(1);
        assertThat(support.getDate("created_at")).isEqualTo(at(supportCreated));
        assertThat(support.getDate("updated_at")).isEqualTo(at(supportUpdated));
        assertThat(support.getDate("last_message_at")).isEqualTo(at(posted.get(SUPPORT).get(0)));
        assertThat(support.getLong("version")).isEqualTo(2L);

        Document draft = conversations.find(ADA, DRAFT).orElseThrow();
        assertThat(draft.getInteger("message_count")).isZero();
        assertThat(draft.containsKey("last_message_at")).isTrue();
        assertThat(draft.get("last_message_at")).isNull();
        assertThat(draft.getDate("created_at")).isEqualTo(at(draftCreated));
        assertThat(draft.getDate("updated_at")).isEqualTo(at(draftCreated));
        assertThat(draft.getLong("version")).isZero();

        Document bobs = conversations.find(BOB, BOBS).orElseThrow();
        assertThat(bobs.getString("title")).isEqualTo("Renamed by Bob");
        assertThat(bobs.get("metadata", Document.class)).isEqualTo(new Document("secret", "still-bob"));
        assertThat(bobs.getInteger("message_count")).isEqualTo(1);
        assertThat(bobs.getLong("version")).isEqualTo(2L);

        // only conversations: nothing of the account events
        assertThat(db.getCollection(CONVERSATIONS).countDocuments()).isEqualTo(5);
        assertThat(db.getCollection(MESSAGES).countDocuments()).isEqualTo(4 + 1 + 1);
    }

    @Test
    void messagesComeInIndexOrderWithTheirFields() {
        build();

        Conversations.Page page = conversations.messages(PLANNING, 1, 100);
        List<PublishedEvent<MessagePosted>> expected = posted.get(PLANNING);
        assertThat(page.total()).isEqualTo(4);
        assertThat(page.items()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            Document message = page.items().get(i);
            MessagePosted event = expected.get(i).data();
            assertThat(message).containsOnlyKeys("_id", "conversation_id", "account_id", "index", "role", "content",
                    "created_at");
            assertThat(message.getString("_id")).isEqualTo(event.messageId());
            assertThat(message.getString("conversation_id")).isEqualTo(PLANNING);
            assertThat(message.getString("account_id")).isEqualTo(ADA);
            assertThat(message.getInteger("index")).isEqualTo(i);
            assertThat(message.getString("role")).isEqualTo(event.role());
            assertThat(message.getString("content")).isEqualTo(event.content());
            assertThat(message.getDate("created_at")).isEqualTo(at(expected.get(i)));
        }
        assertThat(page.items()).extracting(m -> m.getString("role")).containsExactly("user", "agent", "user", "agent");

        Conversations.Page first = conversations.messages(PLANNING, 1, 3);
        Conversations.Page second = conversations.messages(PLANNING, 2, 3);
        Conversations.Page beyond = conversations.messages(PLANNING, 3, 3);
        assertThat(first.items()).extracting(m -> m.getInteger("index")).containsExactly(0, 1, 2);
        assertThat(second.items()).extracting(m -> m.getInteger("index")).containsExactly(3);
        assertThat(beyond.items()).isEmpty();
        assertThat(List.of(first.total(), second.total(), beyond.total())).containsOnly(4L);

        assertThat(conversations.messages(DRAFT, 1, 100).items()).isEmpty();
        assertThat(conversations.messages(DRAFT, 1, 100).total()).isZero();
    }

    @Test
    void listFiltersSortsAndPagesWithinTheAccount() {
        build();

        assertThat(ids(conversations.list(ADA, null, null, "created_at", 1, 10))).containsExactly(PLANNING, SUPPORT, DRAFT);
        assertThat(ids(conversations.list(ADA, null, null, "-created_at", 1, 10))).containsExactly(DRAFT, SUPPORT, PLANNING);
        assertThat(ids(conversations.list(ADA, null, null, "updated_at", 1, 10))).containsExactly(DRAFT, PLANNING, SUPPORT);
        assertThat(ids(conversations.list(ADA, null, null, "-updated_at", 1, 10))).containsExactly(SUPPORT, PLANNING, DRAFT);

        assertThat(ids(conversations.list(ADA, null, "email", "-created_at", 1, 10))).containsExactly(PLANNING);
        assertThat(ids(conversations.list(ADA, null, "whatsapp", "-created_at", 1, 10))).containsExactly(SUPPORT);
        // the deleted conversation was from the api too
        assertThat(ids(conversations.list(ADA, null, "api", "-created_at", 1, 10))).containsExactly(DRAFT);
        assertThat(conversations.list(ADA, null, "api", "-created_at", 1, 10).total()).isEqualTo(1);
        assertThat(ids(conversations.list(ADA, "processing", null, "-created_at", 1, 10)))
                .containsExactly(DRAFT, SUPPORT, PLANNING);
        assertThat(ids(conversations.list(ADA, "processing", "whatsapp", "-created_at", 1, 10))).containsExactly(SUPPORT);
        Conversations.Page completed = conversations.list(ADA, "completed", null, "-created_at", 1, 10);
        assertThat(completed.items()).isEmpty();
        assertThat(completed.total()).isZero();

        Conversations.Page first = conversations.list(ADA, null, null, "-created_at", 1, 2);
        Conversations.Page second = conversations.list(ADA, null, null, "-created_at", 2, 2);
        Conversations.Page beyond = conversations.list(ADA, null, null, "-created_at", 3, 2);
        assertThat(ids(first)).containsExactly(DRAFT, SUPPORT);
        assertThat(ids(second)).containsExactly(PLANNING);
        assertThat(beyond.items()).isEmpty();
        assertThat(List.of(first.total(), second.total(), beyond.total())).containsOnly(3L);

        Conversations.Page byUpdate = conversations.list(ADA, null, null, "updated_at", 2, 1);
        assertThat(ids(byUpdate)).containsExactly(PLANNING);
        assertThat(byUpdate.total()).isEqualTo(3);
        // the listed documents are the same documents find returns
        assertThat(first.items().get(1)).isEqualTo(conversations.find(ADA, SUPPORT).orElseThrow());
    }

    @Test
    void anotherAccountsConversationIsNeverVisible() {
        build();

        assertThat(conversations.find(ADA, BOBS)).isEmpty();
        assertThat(conversations.find(BOB, PLANNING)).isEmpty();
        assertThat(conversations.find(BOB, SUPPORT)).isEmpty();
        assertThat(conversations.find(BOB, SCRATCH)).isEmpty();
        assertThat(conversations.find(BOB, BOBS)).isPresent();
        for (String sort : List.of("created_at", "-created_at", "updated_at", "-updated_at")) {
            for (String source : new String[] {null, "api", "email", "whatsapp"}) {
                Conversations.Page adas = conversations.list(ADA, null, source, sort, 1, 100);
                assertThat(adas.items()).extracting(doc -> doc.getString("account_id")).containsOnly(ADA);
                assertThat(ids(adas)).doesNotContain(BOBS);
                Conversations.Page bobs = conversations.list(BOB, "processing", source, sort, 1, 100);
                assertThat(ids(bobs)).isEqualTo("api".equals(source) || source == null ? List.of(BOBS) : List.of());
                assertThat(bobs.total()).isEqualTo(bobs.items().size());
            }
        }
        assertThat(conversations.list(ADA, null, null, "-created_at", 1, 100).total()).isEqualTo(3);
        assertThat(conversations.find("usr_01JQ8XZZZZZZZZZZZZZZZZZZZZ", PLANNING)).isEmpty();
        assertThat(conversations.list("usr_01JQ8XZZZZZZZZZZZZZZZZZZZZ", null, null, "-created_at", 1, 10).total()).isZero();
    }

    @Test
    void aDeletedConversationIsGoneWithItsMessagesAndNoReplayBringsItBack() {
        build();
        assertDeletedConversationIsGone();
        Document tombstone = raw(SCRATCH);
        assertThat(tombstone.getLong("version")).isEqualTo(scratchDeleted.sequence()).isEqualTo(3L);
        assertThat(tombstone.getDate("updated_at")).isEqualTo(at(scratchDeleted));
        Map<String, List<Document>> reference = state();

        // replayed one event at a time, the conversation's creation and messages come before the deletion
        for (List<List<PublishedEvent<?>>> replay : List.of(batches(log, 1), batches(log, 3), batches(log, BATCH),
                randomBatches(log, new Random(42)))) {
            for (List<PublishedEvent<?>> batch : replay) {
                projector.apply(List.copyOf(batch));
                assertDeletedConversationIsGone();
            }
            assertThat(state()).isEqualTo(reference);
        }
        // only the events of the deleted conversation, before its deletion
        List<PublishedEvent<?>> scratchOnly = log.stream().filter(e -> e.subject().equals(SCRATCH))
                .filter(e -> e.sequence() < scratchDeleted.sequence()).toList();
        projector.apply(scratchOnly);
        scratchOnly.forEach(event -> projector.apply(List.of(event)));
        assertDeletedConversationIsGone();
        assertThat(state()).isEqualTo(reference);
    }

    private void assertDeletedConversationIsGone() {
        assertThat(conversations.find(ADA, SCRATCH)).isEmpty();
        assertThat(conversations.messages(SCRATCH, 1, 100).items()).isEmpty();
        assertThat(conversations.messages(SCRATCH, 1, 100).total()).isZero();
        assertThat(db.getCollection(MESSAGES).countDocuments(Filters.eq("conversation_id", SCRATCH))).isZero();
        Document tombstone = raw(SCRATCH);
        assertThat(tombstone).isNotNull();
        assertThat(tombstone.getBoolean("deleted")).isTrue();
        assertThat(tombstone.containsKey("title")).isTrue();
        assertThat(tombstone.get("title")).isNull();
        assertThat(tombstone.containsKey("content")).isTrue();
        assertThat(tombstone.get("content")).isNull();
        assertThat(tombstone.get("system_prompt")).isNull();
        assertThat(tombstone.get("metadata", Document.class)).isEmpty();
        assertThat(tombstone.getString("account_id")).isEqualTo(ADA);
        for (String sort : List.of("created_at", "-created_at", "updated_at", "-updated_at")) {
            assertThat(ids(conversations.list(ADA, null, null, sort, 1, 100))).doesNotContain(SCRATCH);
        }
    }

    @Test
    void redeliveringTheWholeHistoryChangesNothing() {
        Map<String, List<Document>> reference = build();
        assertNoDuplicateMessages();

        for (List<List<PublishedEvent<?>>> replay : List.of(batches(log, BATCH), batches(log, 1), batches(log, 4),
                batches(log, log.size()), randomBatches(log, new Random(7)))) {
            for (List<PublishedEvent<?>> batch : replay) {
                projector.apply(List.copyOf(batch));
                // every event was applied already: not even an intermediate state may differ
                assertThat(state()).isEqualTo(reference);
            }
        }
        assertNoDuplicateMessages();
    }

    @Test
    void redeliveringARandomSuffixChangesNothing() {
        Map<String, List<Document>> reference = build();

        Random random = new Random(20250314);
        for (int round = 0; round < 30; round++) {
            int from = random.nextInt(log.size());
            for (List<PublishedEvent<?>> batch : randomBatches(log.subList(from, log.size()), random)) {
                projector.apply(List.copyOf(batch));
                assertThat(state()).as("suffix from %d", from).isEqualTo(reference);
            }
        }
        assertNoDuplicateMessages();
    }

    @Test
    void theSameBatchTwiceInOneCallIsAppliedOnce() {
        Map<String, List<Document>> reference = build();

        MongoDatabase fresh = mongo.newDatabase();
        ConversationProjector doubled = new ConversationProjector(fresh);
        for (List<PublishedEvent<?>> batch : batches(log, BATCH)) {
            List<PublishedEvent<?>> twice = new ArrayList<>(batch);
            twice.addAll(batch);
            doubled.apply(twice);
        }
        assertThat(state(fresh)).isEqualTo(reference);

        MongoDatabase stuttering = mongo.newDatabase();
        ConversationProjector stutter = new ConversationProjector(stuttering);
        List<PublishedEvent<?>> everyEventTwice = new ArrayList<>();
        log.forEach(event -> {
            everyEventTwice.add(event);
            everyEventTwice.add(event);
        });
        applyAll(stutter, batches(everyEventTwice, 7));
        assertThat(state(stuttering)).isEqualTo(reference);

        // and the whole log twice in one call on top of what was built
        List<PublishedEvent<?>> logTwice = new ArrayList<>(log);
        logTwice.addAll(log);
        projector.apply(logTwice);
        assertThat(state()).isEqualTo(reference);
    }

    @Test
    void howTheLogIsCutIntoBatchesDoesNotMatter() {
        Map<String, List<Document>> reference = build();

        List<List<List<PublishedEvent<?>>>> cuts = new ArrayList<>();
        for (int size : new int[] {1, 2, 3, 4, 6, 7, 11, log.size()}) {
            cuts.add(batches(log, size));
        }
        for (long seed = 1; seed <= 10; seed++) {
            cuts.add(randomBatches(log, new Random(seed)));
        }
        for (List<List<PublishedEvent<?>>> cut : cuts) {
            MongoDatabase fresh = mongo.newDatabase();
            applyAll(new ConversationProjector(fresh), cut);
            assertThat(state(fresh)).as("batches of sizes %s", cut.stream().map(List::size).toList()).isEqualTo(reference);
        }
    }

    @Test
    void resetThenReplayBuildsTheSameDocuments() {
        Map<String, List<Document>> reference = build();
        Map<String, List<Document>> indexes = InMemoryMongo.indexes(db, CONVERSATIONS, MESSAGES);
        assertThat(indexes.get(MESSAGES)).anySatisfy(index -> {
            assertThat(index.get("key", Document.class)).isEqualTo(new Document("conversation_id", 1).append("index", 1));
            assertThat(index.getBoolean("unique")).isTrue();
        });

        projector.reset();
        assertThat(state()).allSatisfy((collection, documents) -> assertThat(documents).isEmpty());
        assertThat(conversations.find(ADA, PLANNING)).isEmpty();
        assertThat(conversations.list(ADA, null, null, "-created_at", 1, 10).total()).isZero();
        assertThat(InMemoryMongo.indexes(db, CONVERSATIONS, MESSAGES)).isEqualTo(indexes);

        applyAll(projector, randomBatches(log, new Random(3)));
        assertThat(state()).isEqualTo(reference);
        assertThat(InMemoryMongo.indexes(db, CONVERSATIONS, MESSAGES)).isEqualTo(indexes);

        // a second reset on a fresh projector instance (as after a restart) gives the same again
        ConversationProjector restarted = new ConversationProjector(db);
        restarted.reset();
        applyAll(restarted, batches(log, 1));
        assertThat(state()).isEqualTo(reference);
    }

    private void assertNoDuplicateMessages() {
        List<Document> all = db.getCollection(MESSAGES).find().into(new ArrayList<>());
        Set<String> positions = new HashSet<>();
        for (Document message : all) {
            assertThat(positions.add(message.getString("conversation_id") + "#" + message.getInteger("index")))
                    .as("one message at %s", message).isTrue();
        }
        for (String conversation : List.of(PLANNING, SUPPORT, BOBS, DRAFT)) {
            Document doc = raw(conversation);
            assertThat(db.getCollection(MESSAGES).countDocuments(Filters.eq("conversation_id", conversation)))
                    .as("messages of %s", conversation).isEqualTo(doc.getInteger("message_count").longValue());
        }
    }
}
