package ai.soul.projections.conversation;

import ai.soul.projections.History;
import ai.soul.projections.InMemoryMongo;
import ai.soul.projections.Paging.Page;
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
import org.junit.jupiter.api.AutoClose;
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
import static org.assertj.core.api.Assertions.assertThat;
import static ai.soul.projections.History.prepared;

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
    static final String CONVERSATIONS = ConversationDocument.COLLECTION;
    static final String MESSAGES = MessageDocument.COLLECTION;
    static final int BATCH = 5;

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();

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

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        projector = prepared(new ConversationProjector(db));
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

    /** The conversation's document as stored. */
    private Document raw(String conversationId) {
        return db.getCollection(CONVERSATIONS).find(Filters.eq("_id", conversationId)).first();
    }

    /** The conversation's document as read, deleted or not. */
    private ConversationDocument typed(String conversationId) {
        return db.getCollection(CONVERSATIONS, ConversationDocument.class).find(Filters.eq("_id", conversationId)).first();
    }

    /** A page of messages as the API reads it: with the conversation document it has just loaded. */
    private Page<MessageDocument> messages(String conversationId, int page, int perPage) {
        return conversations.messages(typed(conversationId), page, perPage);
    }

    private static List<String> ids(Page<ConversationDocument> page) {
        return page.items().stream().map(ConversationDocument::id).toList();
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

        assertThat(conversations.find(ADA, PLANNING)).contains(typed(PLANNING));
        Document planning = raw(PLANNING);
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

        assertThat(conversations.find(ADA, SUPPORT)).isPresent();
        Document support = raw(SUPPORT);
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

        assertThat(conversations.find(ADA, DRAFT)).isPresent();
        Document draft = raw(DRAFT);
        assertThat(draft.getInteger("message_count")).isZero();
        assertThat(draft.containsKey("last_message_at")).isTrue();
        assertThat(draft.get("last_message_at")).isNull();
        assertThat(draft.getDate("created_at")).isEqualTo(at(draftCreated));
        assertThat(draft.getDate("updated_at")).isEqualTo(at(draftCreated));
        assertThat(draft.getLong("version")).isZero();

        assertThat(conversations.find(BOB, BOBS)).isPresent();
        Document bobs = raw(BOBS);
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

        Page<MessageDocument> page = messages(PLANNING, 1, 100);
        List<PublishedEvent<MessagePosted>> expected = posted.get(PLANNING);
        assertThat(page.total()).isEqualTo(4);
        assertThat(page.items()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            MessageDocument message = page.items().get(i);
            MessagePosted event = expected.get(i).data();
            assertThat(db.getCollection(MESSAGES).find(Filters.eq("_id", message.key())).first())
                    .containsOnlyKeys("_id", "id", "conversation_id", "account_id", "index", "role", "content", "created_at");
            assertThat(message).isEqualTo(new MessageDocument(PLANNING + "/000000000" + i, event.messageId(), PLANNING, ADA, i,
                    event.role(), event.content(), expected.get(i).time(), null, null, null, null, null));
        }
        assertThat(page.items()).extracting(MessageDocument::role).containsExactly("user", "agent", "user", "agent");

        Page<MessageDocument> first = messages(PLANNING, 1, 3);
        Page<MessageDocument> second = messages(PLANNING, 2, 3);
        Page<MessageDocument> beyond = messages(PLANNING, 3, 3);
        Page<MessageDocument> farBeyond = messages(PLANNING, Integer.MAX_VALUE, 100);
        assertThat(first.items()).extracting(MessageDocument::index).containsExactly(0, 1, 2);
        assertThat(second.items()).extracting(MessageDocument::index).containsExactly(3);
        assertThat(beyond.items()).isEmpty();
        assertThat(farBeyond.items()).isEmpty();
        assertThat(List.of(first.total(), second.total(), beyond.total(), farBeyond.total())).containsOnly(4L);

        assertThat(messages(DRAFT, 1, 100).items()).isEmpty();
        assertThat(messages(DRAFT, 1, 100).total()).isZero();
    }

    @Test
    void theKeyOfAMessageIsItsConversationAndItsZeroPaddedIndex() {
        assertThat(MessageDocument.key(PLANNING, 0)).isEqualTo(PLANNING + "/0000000000");
        assertThat(MessageDocument.key(PLANNING, 42)).isEqualTo(PLANNING + "/0000000042");
        assertThat(MessageDocument.key(PLANNING, Integer.MAX_VALUE)).isEqualTo(PLANNING + "/2147483647");
        List<String> keys = new ArrayList<>();
        for (int index : new int[] {0, 1, 9, 10, 99, 100, 12_345, 999_999_999, 1_000_000_000, Integer.MAX_VALUE}) {
            keys.add(MessageDocument.key(PLANNING, index));
        }
        assertThat(keys).isSorted();
    }

    @Test
    void aLongConversationPagesThroughEveryMessageOnceInOrder() {
        History chat = new History(START);
        chat.add(PLANNING, new ConversationCreated(PLANNING, ADA, "Long", null, "api", Map.of(), null, null, null));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String messageId = History.ulid("msg", START.plusSeconds(i), 90_000 + i);
            ids.add(messageId);
            chat.add(PLANNING, new MessagePosted(PLANNING, ADA, messageId, i, i % 2 == 0 ? "user" : "agent", "message " + i));
        }
        // delivered in random batches, then the whole log again
        applyAll(projector, randomBatches(chat.events(), new Random(11)));
        applyAll(projector, batches(chat.events(), 64));

        for (int perPage : new int[] {1, 7, 100}) {
            List<String> seen = new ArrayList<>();
            int pages = (250 + perPage - 1) / perPage;
            for (int p = 1; p <= pages; p++) {
                Page<MessageDocument> page = messages(PLANNING, p, perPage);
                assertThat(page.total()).isEqualTo(250);
                assertThat(page.items()).hasSize(p < pages ? perPage : 250 - (pages - 1) * perPage);
                page.items().forEach(m -> seen.add(m.id()));
            }
            assertThat(seen).as("per page %d", perPage).isEqualTo(ids);
            assertThat(messages(PLANNING, pages + 1, perPage).items()).isEmpty();
            assertThat(messages(PLANNING, pages + 1, perPage).total()).isEqualTo(250);
        }
        assertThat(messages(PLANNING, 3, 100).items()).extracting(MessageDocument::index)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(200, 250).boxed().toList());
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
        Page<ConversationDocument> completed = conversations.list(ADA, "completed", null, "-created_at", 1, 10);
        assertThat(completed.items()).isEmpty();
        assertThat(completed.total()).isZero();

        Page<ConversationDocument> first = conversations.list(ADA, null, null, "-created_at", 1, 2);
        Page<ConversationDocument> second = conversations.list(ADA, null, null, "-created_at", 2, 2);
        Page<ConversationDocument> beyond = conversations.list(ADA, null, null, "-created_at", 3, 2);
        assertThat(ids(first)).containsExactly(DRAFT, SUPPORT);
        assertThat(ids(second)).containsExactly(PLANNING);
        assertThat(beyond.items()).isEmpty();
        assertThat(List.of(first.total(), second.total(), beyond.total())).containsOnly(3L);

        Page<ConversationDocument> byUpdate = conversations.list(ADA, null, null, "updated_at", 2, 1);
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
                Page<ConversationDocument> adas = conversations.list(ADA, null, source, sort, 1, 100);
                assertThat(adas.items()).extracting(ConversationDocument::accountId).containsOnly(ADA);
                assertThat(ids(adas)).doesNotContain(BOBS);
                Page<ConversationDocument> bobs = conversations.list(BOB, "processing", source, sort, 1, 100);
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
        assertThat(db.getCollection(MESSAGES).countDocuments(Filters.eq("conversation_id", SCRATCH))).isZero();
        Document tombstone = raw(SCRATCH);
        // not something the API asks (it answers 404 first), but the positions are empty
        assertThat(conversations.messages(typed(SCRATCH), 1, 100).items()).isEmpty();
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
        ConversationProjector doubled = prepared(new ConversationProjector(fresh));
        for (List<PublishedEvent<?>> batch : batches(log, BATCH)) {
            List<PublishedEvent<?>> twice = new ArrayList<>(batch);
            twice.addAll(batch);
            doubled.apply(twice);
        }
        assertThat(state(fresh)).isEqualTo(reference);

        MongoDatabase stuttering = mongo.newDatabase();
        ConversationProjector stutter = prepared(new ConversationProjector(stuttering));
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
            applyAll(prepared(new ConversationProjector(fresh)), cut);
            assertThat(state(fresh)).as("batches of sizes %s", cut.stream().map(List::size).toList()).isEqualTo(reference);
        }
    }

    @Test
    void resetThenReplayBuildsTheSameDocuments() {
        Map<String, List<Document>> reference = build();
        Map<String, List<Document>> indexes = InMemoryMongo.indexes(db, CONVERSATIONS, MESSAGES);
        assertThat(indexes.get(CONVERSATIONS)).extracting(index -> index.get("key", Document.class)).containsExactlyInAnyOrder(
                new Document("_id", 1),
                new Document("account_id", 1).append("created_at", -1),
                new Document("account_id", 1).append("updated_at", -1),
                new Document("_id", 1).append("version", 1));
        assertThat(indexes.get(CONVERSATIONS)).filteredOn(index -> index.get("key", Document.class).containsKey("version"))
                .singleElement().satisfies(index -> assertThat(index.getBoolean("unique")).isTrue());
        // messages are found by position (_id), one message by its id
        assertThat(indexes.get(MESSAGES)).extracting(index -> index.get("key", Document.class))
                .containsExactlyInAnyOrder(new Document("_id", 1), new Document("id", 1));
        indexes = Map.of(CONVERSATIONS, indexes.get(CONVERSATIONS));

        projector.reset();
        assertThat(state()).allSatisfy((collection, documents) -> assertThat(documents).isEmpty());
        assertThat(conversations.find(ADA, PLANNING)).isEmpty();
        assertThat(conversations.list(ADA, null, null, "-created_at", 1, 10).total()).isZero();
        assertThat(InMemoryMongo.indexes(db, CONVERSATIONS)).isEqualTo(indexes);
        assertThat(InMemoryMongo.indexes(db, MESSAGES).get(MESSAGES)).extracting(index -> index.get("key", Document.class))
                .contains(new Document("id", 1));

        applyAll(projector, randomBatches(log, new Random(3)));
        assertThat(state()).isEqualTo(reference);
        assertThat(InMemoryMongo.indexes(db, CONVERSATIONS)).isEqualTo(indexes);

        // a second reset on a fresh projector instance (as after a restart) gives the same again
        ConversationProjector restarted = prepared(new ConversationProjector(db));
        restarted.reset();
        applyAll(restarted, batches(log, 1));
        assertThat(state()).isEqualTo(reference);
    }

    @Test
    void theFieldsComeInTheSameOrderHoweverTheLogIsCut() {
        // the events of a conversation within a batch are written as one update where they can be
        History chat = new History(START);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("a", 1);
        metadata.put("b", 2);
        metadata.put("c", 3);
        chat.add(PLANNING, new ConversationCreated(PLANNING, ADA, "Order", null, "api", metadata, null, null, null));
        List<Map<String, Object>> patches = new ArrayList<>();
        patches.add(singleton("a", null));
        patches.add(singleton("a", 5));
        Map<String, Object> two = new LinkedHashMap<>();
        two.put("b", null);
        two.put("d", 4);
        patches.add(two);
        patches.add(singleton("b", 7));
        patches.add(singleton("e", Map.of("x", 1)));
        patches.add(singleton("e", null));
        patches.add(singleton("c", 9));
        int index = 0;
        for (Map<String, Object> patch : patches) {
            chat.add(PLANNING, new MessagePosted(PLANNING, ADA, History.ulid("msg", START, 80_000 + index), index, "user", "m" + index));
            index++;
            chat.add(PLANNING, new ConversationUpdated(PLANNING, ADA, "Order " + index, null, patch, null, null, null));
        }
        List<PublishedEvent<?>> events = chat.events();

        List<String> json = new ArrayList<>();
        List<List<List<PublishedEvent<?>>>> cuts = new ArrayList<>(List.of(batches(events, 1), batches(events, 2),
                batches(events, 3), batches(events, events.size())));
        for (long seed = 1; seed <= 5; seed++) {
            cuts.add(randomBatches(events, new Random(seed)));
        }
        for (List<List<PublishedEvent<?>>> cut : cuts) {
            MongoDatabase fresh = mongo.newDatabase();
            applyAll(prepared(new ConversationProjector(fresh)), cut);
            json.add(fresh.getCollection(CONVERSATIONS).find(Filters.eq("_id", PLANNING)).first().toJson());
        }
        assertThat(json).containsOnly(json.get(0));
        Document built = Document.parse(json.get(0));
        assertThat(built.get("metadata", Document.class).keySet()).containsExactly("c", "a", "d", "b");
        assertThat(built.get("metadata", Document.class)).isEqualTo(new Document("c", 9).append("a", 5).append("d", 4).append("b", 7));
        assertThat(built.getString("title")).isEqualTo("Order 7");
        assertThat(built.getInteger("message_count")).isEqualTo(7);
    }

    private static Map<String, Object> singleton(String key, Object value) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, value);
        return map;
    }

    @Test
    void deletingALongConversationRemovesEveryMessageByItsKey() {
        History chat = new History(START);
        chat.add(SCRATCH, new ConversationCreated(SCRATCH, ADA, "Long scratch", null, "api", Map.of(), null, null, null));
        int count = 2_345; // more than one chunk of deletions
        for (int i = 0; i < count; i++) {
            chat.add(SCRATCH, new MessagePosted(SCRATCH, ADA, History.ulid("msg", START.plusSeconds(i), 50_000 + i), i, "user", "m" + i));
        }
        chat.add(PLANNING, new ConversationCreated(PLANNING, ADA, "Kept", null, "api", Map.of(), null, null, null));
        chat.add(PLANNING, new MessagePosted(PLANNING, ADA, History.ulid("msg", START, 1), 0, "user", "stays"));
        List<PublishedEvent<?>> events = chat.events();
        applyAll(projector, batches(events, 500));
        assertThat(db.getCollection(MESSAGES).countDocuments()).isEqualTo(count + 1);

        PublishedEvent<?> deletion = chat.add(SCRATCH, new ConversationDeleted(SCRATCH, ADA));
        mongo.clearScans();
        projector.apply(List.of(deletion));
        assertThat(mongo.scans(db)).isEmpty();
        assertThat(db.getCollection(MESSAGES).countDocuments(Filters.eq("conversation_id", SCRATCH))).isZero();
        assertThat(messages(PLANNING, 1, 10).items()).extracting(MessageDocument::content).containsExactly("stays");
        Map<String, List<Document>> reference = state();

        // everything again, in other batches: nothing comes back
        applyAll(projector, randomBatches(chat.events(), new Random(5)));
        assertThat(state()).isEqualTo(reference);
    }

    @Test
    void theHotPathsNeverScanACollection() {
        // a history in place first, so that a scan would have something to scan
        build();
        Document planning = raw(PLANNING);
        mongo.clearScans();

        // new events of every kind, a redelivery of everything, a deletion, and the reads the API makes
        History more = new History(START.plusSeconds(100_000));
        List<PublishedEvent<?>> next = new ArrayList<>();
        for (PublishedEvent<?> event : log) {
            next.add(event);
        }
        long seq = planning.getLong("version");
        int index = planning.getInteger("message_count");
        for (int i = 0; i < 20; i++) {
            PublishedEvent<?> template = more.add(PLANNING, new MessagePosted(PLANNING, ADA,
                    History.ulid("msg", START.plusSeconds(200_000 + i), 60_000 + i), index + i, "user", "more " + i));
            next.add(new PublishedEvent<>(template.id(), template.type(), PLANNING, seq + 1 + i, template.time(), template.data()));
        }
        PublishedEvent<?> rename = more.add(SUPPORT, new ConversationUpdated(SUPPORT, ADA, "Renamed", null, Map.of("k", "v"),
                null, null, null));
        next.add(new PublishedEvent<>(rename.id(), rename.type(), SUPPORT, raw(SUPPORT).getLong("version") + 1, rename.time(), rename.data()));
        PublishedEvent<?> deletion = more.add(DRAFT, new ConversationDeleted(DRAFT, ADA));
        next.add(new PublishedEvent<>(deletion.id(), deletion.type(), DRAFT, raw(DRAFT).getLong("version") + 1, deletion.time(),
                deletion.data()));
        applyAll(projector, batches(next, 7));

        ConversationDocument after = conversations.find(ADA, PLANNING).orElseThrow();
        assertThat(after.messageCount()).isEqualTo(index + 20);
        assertThat(conversations.messages(after, 2, 3).items()).hasSize(3);
        assertThat(conversations.messages(after, 8, 3).items()).extracting(MessageDocument::content)
                .containsExactly("more 17", "more 18", "more 19");
        assertThat(conversations.messages(after, 100, 3).items()).isEmpty();
        assertThat(conversations.find(ADA, DRAFT)).isEmpty();
        assertThat(conversations.find(ADA, SUPPORT).orElseThrow().title()).isEqualTo("Renamed");

        assertThat(mongo.scans(db)).isEmpty();

        // the list is the one read that filters and sorts: MongoDB serves it from the indexes, the embedded server scans
        conversations.list(ADA, null, null, "-created_at", 1, 10);
        assertThat(mongo.scans(db)).isNotEmpty().allMatch(scan -> scan.startsWith(CONVERSATIONS + " "));
    }

    @Test
    void aDeletionRedeliveredAfterACrashBeforeItsMessagesWereDeletedDeletesThem() {
        Map<String, List<Document>> reference = build();
        // a crash between the tombstone and the deletion of the messages: a snapshot with the tombstone and the messages
        for (PublishedEvent<MessagePosted> message : posted.get(SCRATCH)) {
            MessagePosted e = message.data();
            db.getCollection(MESSAGES).insertOne(new Document("_id", MessageDocument.key(SCRATCH, e.index()))
                    .append("id", e.messageId()).append("conversation_id", SCRATCH).append("account_id", ADA)
                    .append("index", e.index()).append("role", e.role()).append("content", e.content())
                    .append("created_at", at(message)));
        }
        assertThat(db.getCollection(MESSAGES).countDocuments(Filters.eq("conversation_id", SCRATCH))).isEqualTo(2);

        projector.apply(List.of(scratchDeleted));
        assertThat(state()).isEqualTo(reference);
    }

    @Test
    void aMessageWhoseCountWasLostInACrashIsCountedOnRedelivery() {
        Map<String, List<Document>> reference = build();
        PublishedEvent<MessagePosted> last = posted.get(PLANNING).get(3);
        // a snapshot with the message written but not the conversation's count (the message is written first)
        Document before = new Document(raw(PLANNING));
        before.put("message_count", 3);
        before.put("version", last.sequence() - 1);
        before.put("last_message_at", at(posted.get(PLANNING).get(2)));
        before.put("updated_at", at(posted.get(PLANNING).get(2)));
        db.getCollection(CONVERSATIONS).replaceOne(Filters.eq("_id", PLANNING), before);
        assertThat(messages(PLANNING, 1, 100).items()).hasSize(3);

        projector.apply(log.subList(log.indexOf(last), log.size()));
        assertThat(state()).isEqualTo(reference);
    }

    @Test
    void messagesOfTheOldLayoutAreDroppedAndTheLogBuildsThemAgain() {
        Map<String, List<Document>> reference = build();

        MongoDatabase old = mongo.newDatabase();
        var oldMessages = old.getCollection(MESSAGES);
        oldMessages.createIndex(com.mongodb.client.model.Indexes.compoundIndex(
                com.mongodb.client.model.Indexes.ascending("conversation_id"), com.mongodb.client.model.Indexes.ascending("index")),
                new com.mongodb.client.model.IndexOptions().unique(true));
        MessagePosted first = posted.get(PLANNING).get(0).data();
        oldMessages.insertOne(new Document("_id", first.messageId()).append("conversation_id", PLANNING).append("index", 0)
                .append("content", first.content()));

        ConversationProjector upgraded = prepared(new ConversationProjector(old));
        assertThat(old.getCollection(MESSAGES).countDocuments()).isZero();
        assertThat(InMemoryMongo.indexes(old, MESSAGES).get(MESSAGES)).extracting(index -> index.getString("name"))
                .doesNotContain("conversation_id_1_index_1");
        applyAll(upgraded, batches(log, BATCH));
        assertThat(state(old)).isEqualTo(reference);

        // a projector on the new layout leaves it alone
        prepared(new ConversationProjector(old));
        assertThat(state(old)).isEqualTo(reference);
    }

    private void assertNoDuplicateMessages() {
        List<Document> all = db.getCollection(MESSAGES).find().into(new ArrayList<>());
        Set<String> positions = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (Document message : all) {
            assertThat(positions.add(message.getString("conversation_id") + "#" + message.getInteger("index")))
                    .as("one message at %s", message).isTrue();
            assertThat(ids.add(message.getString("id"))).as("one message with the id of %s", message).isTrue();
            assertThat(message.getString("_id"))
                    .isEqualTo(MessageDocument.key(message.getString("conversation_id"), message.getInteger("index")));
        }
        for (String conversation : List.of(PLANNING, SUPPORT, BOBS, DRAFT)) {
            Document doc = raw(conversation);
            assertThat(db.getCollection(MESSAGES).countDocuments(Filters.eq("conversation_id", conversation)))
                    .as("messages of %s", conversation).isEqualTo(doc.getInteger("message_count").longValue());
        }
    }
}
