package ai.soul.domain.account;

import ai.soul.domain.Conflict;
import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.account.AccountCommands.ChangeTier;
import ai.soul.domain.account.AccountCommands.CheckPassword;
import ai.soul.domain.account.AccountCommands.IssueApiKey;
import ai.soul.domain.account.AccountCommands.LinkIdentity;
import ai.soul.domain.account.AccountCommands.RegisterByIdentity;
import ai.soul.domain.account.AccountCommands.RevokeApiKey;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.AccountRegisteredByIdentity;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.ApiKeyRevoked;
import ai.soul.schemas.account.EmailClaimed;
import ai.soul.schemas.account.IdentityClaimed;
import ai.soul.schemas.account.TierChanged;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys, tiers, password checks and identity logins: the rules of who may act for an account. */
class AccountAccessTest {

    static final String ID = AccountTest.ID;
    static final String KEY = AccountTest.KEY_ID;
    static final String KEY2 = "key_01JBBBBBBBBBBBBBBBBBBBBBBB";
    static final String ISSUER = "https://securetoken.google.com/soul-demo";
    static final TierCatalogue CONFIGURED = Set.of("free", "premium", "ultra", "pro", "api", "enterprise", "student")::contains;

    private AggregateTestFixture<Account> fixture;
    private final InMemoryEventStorageEngine claimEvents = new InMemoryEventStorageEngine();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerInjectableResource(AccountTest.HASHER);
        fixture.registerInjectableResource(CONFIGURED);
        EmbeddedEventStore claimStore = EmbeddedEventStore.builder().storageEngine(claimEvents).build();
        var emails = EventSourcingRepository.builder(EmailClaim.class).eventStore(claimStore).build();
        var identities = EventSourcingRepository.builder(IdentityClaim.class).eventStore(claimStore).build();
        fixture.registerRepositoryProvider(new RepositoryProvider() {
            @SuppressWarnings("unchecked")
            @Override
            public <T> Repository<T> repositoryFor(Class<T> type) {
                return (Repository<T>) (type == IdentityClaim.class ? identities : emails);
            }
        });
    }

    static AccountRegistered registered() {
        return new AccountRegistered(ID, "alex@example.com", AccountTest.HASHER.hash("correct horse"), "Alex", null, "free");
    }

    static ApiKeyIssued firstKey() {
        return new ApiKeyIssued(ID, KEY, "sk_abcdefgh", "a".repeat(64));
    }

    private List<Object> claims() {
        return claimEvents.readEvents(null, false).map(m -> (Object) m.getPayload()).toList();
    }

    // ---------------------------------------------------------------- tiers

    @Test
    void changesToAConfiguredTier() {
        fixture.given(registered()).when(new ChangeTier(ID, "pro"))
                .expectEvents(new TierChanged(ID, "free", "pro"));
    }

    @Test
    void aTierOnlyTheConfigurationKnowsIsAccepted() {
        fixture.given(registered()).when(new ChangeTier(ID, "student"))
                .expectEvents(new TierChanged(ID, "free", "student"));
    }

    @Test
    void changingToTheSameTierChangesNothing() {
        fixture.given(registered(), new TierChanged(ID, "free", "pro")).when(new ChangeTier(ID, "pro"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void anUnknownTierIsRefused() {
        for (String tier : new String[]{"gold", "", null}) {
            setUp();
            fixture.given(registered()).when(new ChangeTier(ID, tier))
                    .expectNoEvents().expectException(RuleViolation.class).expectExceptionMessage("Validation failed: [tier]");
        }
    }

    // ---------------------------------------------------------------- API keys

    @Test
    void issuesAnotherKey() {
        fixture.given(registered(), firstKey()).when(new IssueApiKey(ID, KEY2, "sk_ijklmnop", "b".repeat(64)))
                .expectEvents(new ApiKeyIssued(ID, KEY2, "sk_ijklmnop", "b".repeat(64)));
    }

    @Test
    void atMostTwentyActiveKeysAndARevokedOneMakesRoom() {
        List<Object> history = new ArrayList<>(List.of(registered()));
        for (int i = 0; i < Account.MAX_ACTIVE_KEYS; i++) {
            history.add(new ApiKeyIssued(ID, "key_01JC" + String.format("%022d", i), "sk_" + i, String.format("%064d", i)));
        }
        fixture.given(history).when(new IssueApiKey(ID, KEY2, "sk_more", "c".repeat(64)))
                .expectNoEvents().expectException(Conflict.class);
        history.add(new ApiKeyRevoked(ID, "key_01JC" + String.format("%022d", 3), String.format("%064d", 3)));
        setUp();
        fixture.given(history).when(new IssueApiKey(ID, KEY2, "sk_more", "c".repeat(64)))
                .expectEvents(new ApiKeyIssued(ID, KEY2, "sk_more", "c".repeat(64)));
    }

    @Test
    void revokesAKeyWithItsHashSoEveryReaderCanForgetIt() {
        fixture.given(registered(), firstKey()).when(new RevokeApiKey(ID, KEY))
                .expectEvents(new ApiKeyRevoked(ID, KEY, "a".repeat(64)));
    }

    @Test
    void revokingTwiceChangesNothingTheSecondTime() {
        fixture.given(registered(), firstKey(), new ApiKeyRevoked(ID, KEY, "a".repeat(64))).when(new RevokeApiKey(ID, KEY))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void aKeyTheAccountNeverHadIsNotFound() {
        fixture.given(registered(), firstKey()).when(new RevokeApiKey(ID, KEY2))
                .expectNoEvents().expectException(NotFound.class);
    }

    // ---------------------------------------------------------------- passwords

    @Test
    void theRightPasswordAnswersTheAccountAndChangesNothing() {
        fixture.given(registered(), new TierChanged(ID, "free", "pro")).when(new CheckPassword(ID, "correct horse"))
                .expectSuccessfulHandlerExecution().expectNoEvents()
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the account on its current tier") {
                    @Override
                    public boolean matches(Object item) {
                        AccountView v = (AccountView) item;
                        return v.id().equals(ID) && v.email().equals("alex@example.com") && v.tier().equals("pro");
                    }
                });
    }

    @Test
    void aWrongOrMissingPasswordIsInvalidCredentials() {
        for (String password : new String[]{"correct horses", "", null}) {
            setUp();
            fixture.given(registered()).when(new CheckPassword(ID, password))
                    .expectNoEvents().expectException(InvalidCredentials.class);
        }
    }

    @Test
    void anAccountOpenedByAnIdentityHasNoPasswordToLogInWith() {
        fixture.given(new AccountRegisteredByIdentity(ID, "alex@example.com", "Alex", "free", ISSUER))
                .when(new CheckPassword(ID, "hashed:0"))
                .expectNoEvents().expectException(InvalidCredentials.class);
    }

    // ---------------------------------------------------------------- identities

    @Test
    void aFirstIdentityLoginOpensAnAccountAndClaimsTheAddressAndTheIdentity() {
        String identity = ClaimKeys.identity(ISSUER, "firebase-uid-1");
        fixture.givenNoPriorActivity()
                .when(new RegisterByIdentity(ID, " Alex@Example.com", "Alex", "free", ISSUER, identity))
                .expectEvents(new AccountRegisteredByIdentity(ID, "alex@example.com", "Alex", "free", ISSUER));
        assertThat(claims()).containsExactly(
                new EmailClaimed(ClaimKeys.email("alex@example.com"), ID),
                new IdentityClaimed(identity, ID, ISSUER));
    }

    @Test
    void anIdentityWithoutAUsableAddressOpensNoAccount() {
        for (String email : new String[]{null, "", "not-an-address"}) {
            setUp();
            fixture.givenNoPriorActivity()
                    .when(new RegisterByIdentity(ID, email, null, "free", ISSUER, ClaimKeys.identity(ISSUER, "x")))
                    .expectNoEvents().expectException(RuleViolation.class).expectExceptionMessage("Validation failed: [email]");
            assertThat(claims()).isEmpty();
        }
    }

    @Test
    void anIdentityIsLinkedToAnExistingAccountByAClaimOnly() {
        String identity = ClaimKeys.identity(ISSUER, "firebase-uid-2");
        fixture.given(registered()).when(new LinkIdentity(ID, ISSUER, identity))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        assertThat(claims()).containsExactly(new IdentityClaimed(identity, ID, ISSUER));
    }

    @Test
    void anIdentityIsItsIssuerAndSubjectTogether() {
        assertThat(ClaimKeys.identity(ISSUER, "uid")).hasSize(64)
                .isEqualTo(ClaimKeys.identity(ISSUER, "uid"))
                .isNotEqualTo(ClaimKeys.identity("https://other.example.com", "uid"))
                .isNotEqualTo(ClaimKeys.identity(ISSUER, "uid2"));
    }
}
