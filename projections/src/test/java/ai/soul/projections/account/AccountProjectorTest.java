package ai.soul.projections.account;

import ai.soul.projections.History;
import ai.soul.projections.InMemoryMongo;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.EmailClaimed;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.MessagePosted;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.soul.projections.History.applyAll;
import static ai.soul.projections.History.batches;
import static ai.soul.projections.History.randomBatches;
import static ai.soul.projections.History.sha256;
import static ai.soul.projections.account.AccountDocument.COLLECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static ai.soul.projections.History.prepared;

/** The account read models against a real MongoDB wire protocol: keys resolve to accounts, and replays change nothing. */
class AccountProjectorTest {

    static final String ADA = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String BOB = "usr_01JQ8X7N4K2M9P3R5S6T8V0W1X";
    static final String OPS = "usr_01JQ8XA1B2C3D4E5F6G7H8J9KM";
    static final String ADA_KEY = "key_01JQ8X3A4B5C6D7E8F9G0H1J2K";
    static final String ADA_SECOND_KEY = "key_01JQ8XQ5R6S7T8V9W0X1Y2Z3A4";
    static final String BOB_KEY = "key_01JQ8X8M9N0P1Q2R3S4T5V6W7X";
    static final String OPS_KEY = "key_01JQ8XB2C3D4E5F6G7H8J9K0M1";
    static final String CONVERSATION = "conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K";

    static final String ADA_SECRET = "soul_4f9aX2kP7qLm3Vn8Rt5Wz1Yb6Hc0Jd";
    static final String ADA_SECOND_SECRET = "soul_9c1eT4gH6jK8mN0pQ2rS4tU6vW8xY0";
    static final String BOB_SECRET = "soul_7b2dQ9wE3rT5yU7iO1pA3sD5fG7hJ9";
    static final String OPS_SECRET = "soul_0a8fZ1xC3vB5nM7qW9eR1tY3uI5oP7";

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();

    private MongoDatabase db;
    private AccountProjector projector;
    private Accounts accounts;
    private List<PublishedEvent<?>> log;

    private PublishedEvent<?> adaRegistered;
    private PublishedEvent<?> adaKeyIssued;
    private PublishedEvent<?> adaSecondKeyIssued;
    private PublishedEvent<?> opsRegistered;

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        projector = prepared(new AccountProjector(db));
        accounts = new Accounts(db);

        History history = new History(Instant.parse("2025-02-03T17:04:11.207Z"));
        adaRegistered = history.add(ADA, new AccountRegistered(ADA, "ada@example.com",
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "Ada Lovelace", "Analytical Engines Ltd", "pro"));
        adaKeyIssued = history.add(ADA, new ApiKeyIssued(ADA, ADA_KEY, prefix(ADA_SECRET), sha256(ADA_SECRET)));
        history.add(sha256("ada@example.com"), new EmailClaimed(sha256("ada@example.com"), ADA));
        // conversation events are on the same log and must be ignored
        history.add(CONVERSATION, new ConversationCreated(CONVERSATION, ADA, "Hello", null, "api", Map.of(), null, null, null));
        history.add(CONVERSATION, new MessagePosted(CONVERSATION, ADA, "msg_01JQ8Z0A1B2C3D4E5F6G7H8J9K", 0, "user", "Hi"));
        history.add(BOB, new AccountRegistered(BOB, "bob@example.org", "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                "Bob", null, "free"));
        history.add(BOB, new ApiKeyIssued(BOB, BOB_KEY, prefix(BOB_SECRET), sha256(BOB_SECRET)));
        history.add(sha256("bob@example.org"), new EmailClaimed(sha256("bob@example.org"), BOB));
        history.add(CONVERSATION, new ConversationDeleted(CONVERSATION, ADA));
        opsRegistered = history.add(OPS, new AccountRegistered(OPS, "ops@example.org", "$2a$12$abcdefghijklmnopqrstuv",
                null, null, "enterprise"));
        history.add(OPS, new ApiKeyIssued(OPS, OPS_KEY, prefix(OPS_SECRET), sha256(OPS_SECRET)));
        history.add(sha256("ops@example.org"), new EmailClaimed(sha256("ops@example.org"), OPS));
        adaSecondKeyIssued = history.add(ADA, new ApiKeyIssued(ADA, ADA_SECOND_KEY, prefix(ADA_SECOND_SECRET),
                sha256(ADA_SECOND_SECRET)));
        log = history.events();
    }

    private static String prefix(String secret) {
        return secret.substring(0, 9);
    }

    private Map<String, List<Document>> state() {
        return state(db);
    }

    private static Map<String, List<Document>> state(MongoDatabase db) {
        return InMemoryMongo.snapshot(db, COLLECTION, ApiKeyDocument.COLLECTION);
    }

    private Map<String, List<Document>> build() {
        applyAll(projector, batches(log, 4));
        return state();
    }

    private Document raw(String collection, String id) {
        return db.getCollection(collection).find(Filters.eq("_id", id)).first();
    }

    @Test
    void everyIssuedKeyLeadsToItsAccount() {
        build();

        assertThat(accounts.activeKey(sha256(ADA_SECRET))).map(Accounts.Key::accountId).contains(ADA);
        assertThat(accounts.activeKey(sha256(ADA_SECOND_SECRET))).map(Accounts.Key::accountId).contains(ADA);
        assertThat(accounts.activeKey(sha256(BOB_SECRET))).map(Accounts.Key::accountId).contains(BOB);
        assertThat(accounts.activeKey(sha256(OPS_SECRET))).map(Accounts.Key::accountId).contains(OPS);
        assertThat(accounts.activeKey(sha256("soul_not-a-key-anyone-was-given"))).map(Accounts.Key::accountId).isEmpty();
        // the plain key or its prefix is not what the keys are found by
        assertThat(accounts.activeKey(ADA_SECRET)).map(Accounts.Key::accountId).isEmpty();
        assertThat(accounts.activeKey(prefix(ADA_SECRET))).map(Accounts.Key::accountId).isEmpty();
    }

    @Test
    void buildsAccountsAndKeysFieldByField() {
        build();

        Document ada = raw(COLLECTION, ADA);
        assertThat(ada).containsOnlyKeys("_id", "email", "name", "company_name", "tier", "created_at", "version");
        assertThat(ada.getString("email")).isEqualTo("ada@example.com");
        assertThat(ada.getString("name")).isEqualTo("Ada Lovelace");
        assertThat(ada.getString("company_name")).isEqualTo("Analytical Engines Ltd");
        assertThat(ada.getString("tier")).isEqualTo("pro");
        assertThat(ada.getDate("created_at")).isEqualTo(Date.from(adaRegistered.time()));
        assertThat(ada.getLong("version")).isEqualTo(adaRegistered.sequence()).isZero();

        Document ops = raw(COLLECTION, OPS);
        assertThat(ops).containsOnlyKeys("_id", "email", "name", "company_name", "tier", "created_at", "version");
        assertThat(ops.get("name")).isNull();
        assertThat(ops.get("company_name")).isNull();
        assertThat(ops.getString("tier")).isEqualTo("enterprise");
        assertThat(ops.getDate("created_at")).isEqualTo(Date.from(opsRegistered.time()));

        Document key = raw(ApiKeyDocument.COLLECTION, sha256(ADA_SECRET));
        assertThat(key).containsOnlyKeys("_id", "key_id", "account_id", "prefix", "created_at");
        assertThat(key.getString("key_id")).isEqualTo(ADA_KEY);
        assertThat(key.getString("account_id")).isEqualTo(ADA);
        assertThat(key.getString("prefix")).isEqualTo("soul_4f9a");
        assertThat(key.getDate("created_at")).isEqualTo(Date.from(adaKeyIssued.time()));
        Document second = raw(ApiKeyDocument.COLLECTION, sha256(ADA_SECOND_SECRET));
        assertThat(second.getString("key_id")).isEqualTo(ADA_SECOND_KEY);
        assertThat(second.getDate("created_at")).isEqualTo(Date.from(adaSecondKeyIssued.time()));

        // nothing but accounts and keys: email claims and conversations are not this projector's
        assertThat(db.getCollection(COLLECTION).countDocuments()).isEqualTo(3);
        assertThat(db.getCollection(ApiKeyDocument.COLLECTION).countDocuments()).isEqualTo(4);
        assertThat(db.getCollection(ApiKeyDocument.COLLECTION).find().into(new ArrayList<>()))
                .extracting(doc -> doc.getString("_id")).allMatch(id -> id.matches("^[0-9a-f]{64}$"));
    }

    @Test
    void aRevokedKeyLeadsNowhere() {
        build();
        db.getCollection(ApiKeyDocument.COLLECTION).updateOne(Filters.eq("_id", sha256(BOB_SECRET)), Updates.set("revoked_at", new Date()));

        assertThat(accounts.activeKey(sha256(BOB_SECRET))).map(Accounts.Key::accountId).isEmpty();
        assertThat(accounts.activeKey(sha256(ADA_SECRET))).map(Accounts.Key::accountId).contains(ADA);
    }

    @Test
    void redeliveryChangesNothing() {
        Map<String, List<Document>> reference = build();

        for (List<List<PublishedEvent<?>>> replay : List.of(batches(log, 4), batches(log, 1), batches(log, log.size()),
                randomBatches(log, new Random(11)))) {
            for (List<PublishedEvent<?>> batch : replay) {
                projector.apply(List.copyOf(batch));
                assertThat(state()).isEqualTo(reference);
            }
        }
        Random random = new Random(20250203);
        for (int round = 0; round < 20; round++) {
            int from = random.nextInt(log.size());
            for (List<PublishedEvent<?>> batch : randomBatches(log.subList(from, log.size()), random)) {
                projector.apply(List.copyOf(batch));
                assertThat(state()).as("suffix from %d", from).isEqualTo(reference);
            }
        }
        List<PublishedEvent<?>> logTwice = new ArrayList<>(log);
        logTwice.addAll(log);
        projector.apply(logTwice);
        assertThat(state()).isEqualTo(reference);
        assertThat(accounts.activeKey(sha256(ADA_SECRET))).map(Accounts.Key::accountId).contains(ADA);
    }

    @Test
    void theSameBatchTwiceInOneCallAndAnyCutGiveTheSameDocuments() {
        Map<String, List<Document>> reference = build();

        MongoDatabase doubledDb = mongo.newDatabase();
        AccountProjector doubled = prepared(new AccountProjector(doubledDb));
        for (List<PublishedEvent<?>> batch : batches(log, 4)) {
            List<PublishedEvent<?>> twice = new ArrayList<>(batch);
            twice.addAll(batch);
            doubled.apply(twice);
        }
        assertThat(state(doubledDb)).isEqualTo(reference);

        List<List<List<PublishedEvent<?>>>> cuts = new ArrayList<>();
        for (int size : new int[] {1, 2, 3, 5, log.size()}) {
            cuts.add(batches(log, size));
        }
        for (long seed = 1; seed <= 5; seed++) {
            cuts.add(randomBatches(log, new Random(seed)));
        }
        for (List<List<PublishedEvent<?>>> cut : cuts) {
            MongoDatabase fresh = mongo.newDatabase();
            applyAll(prepared(new AccountProjector(fresh)), cut);
            assertThat(state(fresh)).as("batches of sizes %s", cut.stream().map(List::size).toList()).isEqualTo(reference);
        }
    }

    @Test
    void resetThenReplayBuildsTheSameDocuments() {
        Map<String, List<Document>> reference = build();

        projector.reset();
        assertThat(state()).allSatisfy((collection, documents) -> assertThat(documents).isEmpty());
        assertThat(accounts.activeKey(sha256(ADA_SECRET))).map(Accounts.Key::accountId).isEmpty();

        applyAll(projector, randomBatches(log, new Random(5)));
        assertThat(state()).isEqualTo(reference);
        assertThat(accounts.activeKey(sha256(ADA_SECRET))).map(Accounts.Key::accountId).contains(ADA);
    }

    @Test
    void writesAndKeyLookupsGoByIdAndNeverScan() {
        build();
        // (creating a collection scans the server's bookkeeping once; what matters is what every event costs)
        mongo.clearScans();
        String eve = "usr_01JQ8XE1E2E3E4E5E6E7E8E9EA";
        History more = new History(Instant.parse("2025-02-04T08:00:00Z"));
        more.add(eve, new AccountRegistered(eve, "eve@example.net", "$2a$12$abcdefghijklmnopqrstuv", null, null, "free"));
        more.add(eve, new ApiKeyIssued(eve, "key_01JQ8XE1E2E3E4E5E6E7E8E9EB", "soul_eeee", sha256("soul_eeee-secret")));
        applyAll(projector, batches(more.events(), 1));
        applyAll(projector, randomBatches(log, new Random(9)));
        assertThat(accounts.activeKey(sha256("soul_eeee-secret"))).map(Accounts.Key::accountId).contains(eve);
        assertThat(accounts.activeKey(sha256(OPS_SECRET))).map(Accounts.Key::accountId).contains(OPS);
        assertThat(accounts.activeKey(sha256("soul_unknown"))).map(Accounts.Key::accountId).isEmpty();

        assertThat(mongo.scans(db)).isEmpty();
    }

    @Test
    void revocationTierChangesAndIdentityAccountsAreProjectedAndReplaysChangeNothing() {
        History more = new History(Instant.parse("2025-03-01T08:00:00Z"));
        String eve = "usr_01JQ9AAAAAAAAAAAAAAAAAAAAA";
        more.add(ADA, new ai.soul.schemas.account.ApiKeyRevoked(ADA, ADA_KEY, sha256(ADA_SECRET)));
        more.add(BOB, new ai.soul.schemas.account.TierChanged(BOB, "free", "pro"));
        more.add(BOB, new ai.soul.schemas.account.TierChanged(BOB, "pro", "api"));
        more.add(eve, new ai.soul.schemas.account.AccountRegisteredByIdentity(eve, "eve@example.net", "Eve", "free",
                "https://securetoken.google.com/demo"));
        List<PublishedEvent<?>> all = new java.util.ArrayList<>(log);
        // the later history continues each aggregate's sequence
        for (PublishedEvent<?> e : more.events()) {
            long after = all.stream().filter(x -> x.subject().equals(e.subject())).mapToLong(PublishedEvent::sequence).max().orElse(-1);
            all.add(new PublishedEvent<>(e.id(), e.type(), e.subject(), after + 1, e.time(), e.data()));
        }
        applyAll(projector, batches(all, 3));
        Map<String, List<Document>> once = state();

        assertThat(accounts.activeKey(sha256(ADA_SECRET))).isEmpty();
        assertThat(accounts.activeKey(sha256(ADA_SECOND_SECRET))).map(Accounts.Key::accountId).contains(ADA);
        assertThat(accounts.keyHash(ADA, ADA_KEY)).contains(sha256(ADA_SECRET));
        assertThat(accounts.keyHash(BOB, ADA_KEY)).isEmpty();
        assertThat(accounts.keysOf(ADA, 0, 10)).extracting(ApiKeyDocument::keyId).containsExactly(ADA_SECOND_KEY, ADA_KEY);
        assertThat(accounts.tierOf(BOB)).contains("api");
        assertThat(accounts.profile(eve)).hasValueSatisfying(d -> {
            assertThat(d.email()).isEqualTo("eve@example.net");
            assertThat(d.tier()).isEqualTo("free");
        });

        // a replay, even of the older tier change alone, leaves everything as it was
        applyAll(projector, batches(all, 5));
        applyAll(projector, List.of(List.of(all.get(all.size() - 3))));
        assertThat(state()).isEqualTo(once);
    }

    @Test
    void registrationAttemptsBecomeTheHoldersLatestNoticesOnceEach() {
        History more = new History(Instant.parse("2025-03-01T08:00:00Z"));
        for (int i = 0; i < AccountProjector.NOTICES_KEPT + 3; i++) {
            more.add(ADA, new ai.soul.schemas.account.RegistrationAttempted(ADA));
        }
        List<PublishedEvent<?>> all = new java.util.ArrayList<>(log);
        for (PublishedEvent<?> e : more.events()) {
            long after = all.stream().filter(x -> x.subject().equals(e.subject())).mapToLong(PublishedEvent::sequence).max().orElse(-1);
            all.add(new PublishedEvent<>(e.id(), e.type(), e.subject(), after + 1, e.time(), e.data()));
        }
        applyAll(projector, batches(all, 4));
        Map<String, List<Document>> once = state();

        List<AccountDocument.Notice> notices = accounts.profile(ADA).orElseThrow().latestNoticesFirst();
        List<PublishedEvent<?>> attempts = all.subList(all.size() - AccountProjector.NOTICES_KEPT, all.size());
        assertThat(notices).hasSize(AccountProjector.NOTICES_KEPT);
        assertThat(notices).extracting(AccountDocument.Notice::type).containsOnly("registration_attempted");
        // newest first, the oldest three dropped
        assertThat(notices).extracting(AccountDocument.Notice::at)
                .containsExactlyElementsOf(attempts.stream().map(PublishedEvent::time).sorted(java.util.Comparator.reverseOrder()).toList());
        assertThat(accounts.profile(BOB).orElseThrow().notices()).isEmpty();

        applyAll(projector, batches(all, 7));
        applyAll(projector, randomBatches(all, new Random(3)));
        assertThat(state()).isEqualTo(once);
    }
}
