package ai.soul.domain.account;

import ai.soul.schemas.account.EmailClaimed;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One email address, owned by at most one account: its identifier is the hash of the address, so the event
 * store's unique (aggregate, sequence) key refuses a second claim. Who holds it is read from its event.
 */
@Aggregate
class EmailClaim {

    @AggregateIdentifier
    private String emailHash;

    EmailClaim() {
    }

    EmailClaim(String emailHash, String accountId) {
        apply(new EmailClaimed(emailHash, accountId));
    }

    @EventSourcingHandler
    void on(EmailClaimed e) {
        emailHash = e.emailHash();
    }
}
