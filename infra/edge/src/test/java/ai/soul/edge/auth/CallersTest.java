package ai.soul.edge.auth;

import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.events.EventJson;
import ai.soul.projections.account.AccountProjector;
import ai.soul.projections.account.Accounts;
import ai.soul.schemas.Events;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.ApiKeyRevoked;
import ai.soul.schemas.account.TierChanged;
import ai.soul.schemas.conversation.ConversationCreated;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who a credential names, against a real MongoDB wire server: lookups are cached, and a revocation or
 * tier change made by another instance is forgotten when its event arrives from the topic, not when
 * the cache entry expires.
 */
class CallersTest {

    static final String ACCOUNT = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String KEY_ID = "key_01JQ8X3A4B5C6D7E8F9G0H1J2K";
    static final String KEY = ApiKeys.generate();

    MongoServer server;
    MongoClient client;
    AccountProjector projector;
    Callers callers;
    AccountChangesListener listener;
    final CloudEventCodec codec = new CloudEventCodec(EventJson.mapper(), "urn:soul:test");
    long sequence;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        MongoDatabase db = client.getDatabase("soul");
        projector = new AccountProjector(db);
        AccessTokens tokens = new AccessTokens("a test secret that is long enough for HS256", "urn:soul:test",
                Duration.ofHours(1), Clock.systemUTC());
        callers = new Callers(new Accounts(db), new ReadYourWrites(Duration.ofSeconds(1)), tokens);
        listener = new AccountChangesListener(callers, codec);
        project(new AccountRegistered(ACCOUNT, "ada@example.com", "$2a$10$hash", null, null, "free"));
        project(new ApiKeyIssued(ACCOUNT, KEY_ID, ApiKeys.prefixOf(KEY), ApiKeys.hash(KEY)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    /** An event applied to the read model, as this instance's projector (or another's) does. */
    private PublishedEvent<?> project(Object data) {
        var event = new PublishedEvent<>(UUID.randomUUID().toString(), Events.typeOf(data.getClass()), ACCOUNT, sequence++,
                Instant.now(), data);
        projector.apply(List.of(event));
        return event;
    }

    /** The same event as it travels on the topic to every instance. */
    private ConsumerRecord<String, byte[]> onTheTopic(PublishedEvent<?> event) {
        return new ConsumerRecord<>("soul.events", 0, event.sequence(), event.subject(),
                codec.encode(event.id(), event.subject(), event.sequence(), event.time(), event.data()));
    }

    @Test
    void aRevocationFromAnotherInstanceIsForgottenWhenItsEventArrives() {
        assertThat(callers.forCredential(KEY)).contains(new Caller(ACCOUNT, "free", KEY_ID));

        var revoked = project(new ApiKeyRevoked(ACCOUNT, KEY_ID, ApiKeys.hash(KEY)));
        // the read model says revoked, but this instance still holds its cached lookup
        assertThat(callers.forCredential(KEY)).isPresent();

        listener.onMessage(onTheTopic(revoked));
        assertThat(callers.forCredential(KEY)).isEmpty();
    }

    @Test
    void aTierChangeFromAnotherInstanceAppliesWhenItsEventArrives() {
        String token = new AccessTokens("a test secret that is long enough for HS256", "urn:soul:test", Duration.ofHours(1),
                Clock.systemUTC()).issue(ACCOUNT, "free").token();
        assertThat(callers.forCredential(KEY)).map(Caller::tier).contains("free");
        assertThat(callers.forCredential(token)).map(Caller::tier).contains("free");

        var changed = project(new TierChanged(ACCOUNT, "free", "pro"));
        assertThat(callers.forCredential(KEY)).map(Caller::tier).contains("free");

        listener.onMessage(onTheTopic(changed));
        assertThat(callers.forCredential(KEY)).map(Caller::tier).contains("pro");
        assertThat(callers.forCredential(token)).map(Caller::tier).contains("pro");
    }

    @Test
    void otherEventsOnTheTopicForgetNothing() {
        assertThat(callers.forCredential(KEY)).isPresent();
        project(new ApiKeyRevoked(ACCOUNT, KEY_ID, ApiKeys.hash(KEY)));
        var created = new PublishedEvent<>(UUID.randomUUID().toString(), Events.typeOf(ConversationCreated.class),
                "conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K", 0, Instant.now(),
                new ConversationCreated("conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K", ACCOUNT, "Hello", null, "api", Map.of(), null, null, null));

        listener.onMessage(onTheTopic(created));
        assertThat(callers.forCredential(KEY)).as("still the cached lookup").isPresent();
    }

    @Test
    void anUnknownKeyAndAForeignTokenNameNobody() {
        assertThat(callers.forCredential(ApiKeys.generate())).isEmpty();
        String foreign = new AccessTokens("another deployment's secret, long enough too", "urn:soul:test", Duration.ofHours(1),
                Clock.systemUTC()).issue(ACCOUNT, "free").token();
        assertThat(callers.forCredential(foreign)).isEmpty();
    }
}
