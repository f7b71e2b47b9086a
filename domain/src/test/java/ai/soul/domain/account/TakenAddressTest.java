package ai.soul.domain.account;

import ai.soul.domain.RuleViolation;
import ai.soul.domain.account.AccountCommands.NoteRegistrationAttempt;
import ai.soul.domain.account.AccountCommands.RegisterAccount;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.RegistrationAttempted;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registration of an address another account holds is answered like any other (finding 5 of issue 10:
 * a 409 told who had an account): it opens an account that does not take the address, and the holder
 * keeps a notice of it.
 */
class TakenAddressTest {

    static final String ID = AccountTest.ID;
    static final String HOLDER = "usr_01JHHHHHHHHHHHHHHHHHHHHHHH";
    static final Instant T = Instant.parse("2026-03-14T14:30:00Z");

    private AggregateTestFixture<Account> fixture;
    private final InMemoryEventStorageEngine claimEvents = new InMemoryEventStorageEngine();
    private final List<String> hashed = new ArrayList<>();

    @BeforeEach
    void setUp() {
        hashed.clear();
        fixture = new AggregateTestFixture<>(Account.class);
        fixture.registerInjectableResource(new PasswordHasher() {
            @Override
            public String hash(String password) {
                hashed.add(password);
                return AccountTest.HASHER.hash(password);
            }

            @Override
            public boolean matches(String password, String hash) {
                return AccountTest.HASHER.matches(password, hash);
            }
        });
        var claims = EventSourcingRepository.builder(EmailClaim.class)
                .eventStore(EmbeddedEventStore.builder().storageEngine(claimEvents).build()).build();
        fixture.registerRepositoryProvider(new RepositoryProvider() {
            @SuppressWarnings("unchecked")
            @Override
            public <T> Repository<T> repositoryFor(Class<T> type) {
                return (Repository<T>) claims;
            }
        });
    }

    static RegisterAccount register(String email, String password, boolean claimAddress) {
        return new RegisterAccount(ID, email, password, "Eve", null, "free", AccountTest.KEY_ID, "soul_abcd", AccountTest.KEY_HASH,
                claimAddress);
    }

    static AccountRegistered holder() {
        return new AccountRegistered(HOLDER, "alex@example.com", AccountTest.HASHER.hash("correct horse"), "Alex", null, "free");
    }

    @Test
    void anAccountForATakenAddressOpensLikeAnyOtherWithTheSameWorkButClaimsNothing() {
        fixture.givenNoPriorActivity()
                .when(register(" Alex@Example.com ", "another horse", false))
                .expectSuccessfulHandlerExecution()
                .expectEvents(
                        new AccountRegistered(ID, "alex@example.com", "hashed:13", "Eve", null, "free"),
                        new ApiKeyIssued(ID, AccountTest.KEY_ID, "soul_abcd", AccountTest.KEY_HASH));
        assertThat(hashed).containsExactly("another horse");
        assertThat(claimEvents.readEvents(null, false)).isEmpty();
    }

    @Test
    void theRulesOfARegistrationHoldForATakenAddressToo() {
        fixture.givenNoPriorActivity()
                .when(register("alex@example.com", "short", false))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [password]");
        assertThat(hashed).isEmpty();
    }

    @Test
    void theHolderKeepsANoticeOfTheAttemptAndNothingOfIt() {
        fixture.given(holder())
                .when(new NoteRegistrationAttempt(HOLDER))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new RegistrationAttempted(HOLDER));
    }

    @Test
    void moreAttemptsTheSameDayAddNoNotice() {
        fixture.givenCurrentTime(T)
                .andGiven(holder(), new RegistrationAttempted(HOLDER))
                .andGivenCurrentTime(T.plus(Account.NOTICE_INTERVAL).minusSeconds(1))
                .when(new NoteRegistrationAttempt(HOLDER))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aDayAfterTheLastNoticeAnAttemptIsNotedAgain() {
        fixture.givenCurrentTime(T)
                .andGiven(holder(), new RegistrationAttempted(HOLDER))
                .andGivenCurrentTime(T.plus(Account.NOTICE_INTERVAL))
                .when(new NoteRegistrationAttempt(HOLDER))
                .expectEvents(new RegistrationAttempted(HOLDER));
        assertThat(Account.NOTICE_INTERVAL).isEqualTo(Duration.ofDays(1));
    }
}
