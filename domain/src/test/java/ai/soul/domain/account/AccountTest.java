package ai.soul.domain.account;

import ai.soul.domain.RuleViolation;
import ai.soul.domain.account.AccountCommands.RegisterAccount;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.EmailClaimed;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AccountTest {

    static final String ID = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String KEY_ID = "key_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String KEY_HASH = "a".repeat(64);

    /**
     * Deterministic stand-in for the adaptive hash: the rule under test is what gets hashed, not how.
     * Like bcrypt, it refuses a password over 72 bytes of UTF-8, so a rule that let one through would fail here.
     */
    static final PasswordHasher HASHER = new PasswordHasher() {
        @Override
        public String hash(String password) {
            if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
                throw new IllegalArgumentException("password cannot be more than 72 bytes");
            }
            return "hashed:" + password.length();
        }

        @Override
        public boolean matches(String password, String hash) {
            return hash.equals(hash(password));
        }
    };

    private AggregateTestFixture<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerInjectableResource(HASHER);
        fixture.registerRepositoryProvider(new RepositoryProvider() {
            @SuppressWarnings("unchecked")
            @Override
            public <T> Repository<T> repositoryFor(Class<T> aggregateType) {
                return (Repository<T>) claims;
            }
        });
    }

    /** The email claim is a second aggregate; its events land in its own store. */
    private final InMemoryEventStorageEngine claimEvents = new InMemoryEventStorageEngine();
    private final EventSourcingRepository<EmailClaim> claims = EventSourcingRepository.builder(EmailClaim.class)
            .eventStore(EmbeddedEventStore.builder().storageEngine(claimEvents).build())
            .build();

    static RegisterAccount register(String email, String password, String tier) {
        return new RegisterAccount(ID, email, password, "Alex", null, tier, KEY_ID, "soul_abcd", KEY_HASH, true);
    }

    @Test
    void registersWithANormalisedEmailAHashedPasswordAndAKey() {
        fixture.givenNoPriorActivity()
                .when(register(" Alex@Example.COM ", "correct horse", "free"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(
                        new AccountRegistered(ID, "alex@example.com", "hashed:13", "Alex", null, "free"),
                        new ApiKeyIssued(ID, KEY_ID, "soul_abcd", KEY_HASH))
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the new account") {
                    @Override
                    public boolean matches(Object item) {
                        AccountView v = (AccountView) item;
                        return v.id().equals(ID) && v.email().equals("alex@example.com") && v.tier().equals("free")
                                && v.version() == 1;
                    }
                });
        String emailHash = ClaimKeys.email("alex@example.com");
        assertThat(claimEvents.readEvents(emailHash).asStream().map(m -> (Object) m.getPayload()))
                .containsExactly(new EmailClaimed(emailHash, ID));
    }

    @Test
    void passwordNeedsEightCharacters() {
        fixture.givenNoPriorActivity()
                .when(register("alex@example.com", "1234567", "free"))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [password]");
    }

    @Test
    void passwordMayTakeSeventyTwoBytesOfUtf8() {
        String ascii = "p".repeat(72);
        fixture.givenNoPriorActivity()
                .when(register("alex@example.com", ascii, "free"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(
                        new AccountRegistered(ID, "alex@example.com", "hashed:72", "Alex", null, "free"),
                        new ApiKeyIssued(ID, KEY_ID, "soul_abcd", KEY_HASH));
    }

    @Test
    void multiByteCharactersCountWithTheirUtf8Bytes() {
        String euros = "\u20AC".repeat(24); // 24 characters, 3 bytes each: 72 bytes
        assertThat(euros.getBytes(StandardCharsets.UTF_8)).hasSize(72);
        fixture.givenNoPriorActivity()
                .when(register("alex@example.com", euros, "free"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(
                        new AccountRegistered(ID, "alex@example.com", "hashed:24", "Alex", null, "free"),
                        new ApiKeyIssued(ID, KEY_ID, "soul_abcd", KEY_HASH));
    }

    /** Bcrypt reads 72 bytes at most: a longer password is a broken rule (422), refused before anything is hashed. */
    @Test
    void passwordOverSeventyTwoBytesIsRefusedBeforeItIsHashed() {
        for (String password : List.of(
                "p".repeat(73),                              // 73 ASCII characters
                "\u20AC".repeat(24) + "x",                   // 25 characters, 73 bytes
                "\uD83D\uDE00".repeat(19),                   // 19 emoji, 38 UTF-16 units, 76 bytes
                "\u00E9".repeat(40))) {                      // 40 characters, 80 bytes
            setUp();
            fixture.givenNoPriorActivity()
                    .when(register("alex@example.com", password, "free"))
                    .expectNoEvents()
                    .expectException(new CustomMatcher<>("a rule violation on the password only") {
                        @Override
                        public boolean matches(Object item) {
                            return item instanceof RuleViolation v && v.fields().keySet().equals(java.util.Set.of("password"))
                                    && v.fields().get("password").equals(List.of("Password must be at most 72 bytes in UTF-8 "
                                    + "(72 plain ASCII characters; accented letters, other scripts and emoji take 2 to 4 bytes each)"));
                        }
                    });
        }
    }

    @Test
    void aTooLongPasswordIsReportedWithTheOtherBrokenRules() {
        fixture.givenNoPriorActivity()
                .when(register("not-an-email", "x".repeat(200), "free"))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [email, password]");
    }

    @Test
    void emailMustLookLikeOne() {
        fixture.givenNoPriorActivity()
                .when(register("not-an-email", "long enough", "free"))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [email]");
    }

    @Test
    void missingFieldsAreAllReported() {
        fixture.givenNoPriorActivity()
                .when(register(null, null, "gold"))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [email, password, tier]");
    }

    @Test
    void theEmailHashIgnoresCaseAndSpaces() {
        assertThat(ClaimKeys.email("alex@example.com"))
                .hasSize(64)
                .isNotEqualTo(ClaimKeys.email("alex2@example.com"));
    }
}
