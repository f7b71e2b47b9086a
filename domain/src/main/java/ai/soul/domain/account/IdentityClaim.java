package ai.soul.domain.account;

import ai.soul.schemas.account.IdentityClaimed;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One identity at a provider (issuer and subject), tied to at most one account: its identifier is their
 * hash, so the event store's unique key refuses a second claim. Who holds it is read from its event.
 */
@Aggregate
class IdentityClaim {

    @AggregateIdentifier
    private String identityHash;

    IdentityClaim() {
    }

    IdentityClaim(String identityHash, String accountId, String issuer) {
        apply(new IdentityClaimed(identityHash, accountId, issuer));
    }

    @EventSourcingHandler
    void on(IdentityClaimed e) {
        identityHash = e.identityHash();
    }
}
