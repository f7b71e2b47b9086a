package ai.soul.domain.account;

import ai.soul.domain.account.AccountCommands.FindAccountByIdentity;
import ai.soul.schemas.account.IdentityClaimed;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;


import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** One identity at a provider (issuer and subject), tied to at most one account: its identifier is their hash. */
@Aggregate
class IdentityClaim {

    @AggregateIdentifier
    private String identityHash;
    private String accountId;

    IdentityClaim() {
    }

    IdentityClaim(String identityHash, String accountId, String issuer) {
        apply(new IdentityClaimed(identityHash, accountId, issuer));
    }


    @CommandHandler
    String handle(FindAccountByIdentity cmd) {
        return accountId;
    }

    @EventSourcingHandler
    void on(IdentityClaimed e) {
        identityHash = e.identityHash();
        accountId = e.accountId();
    }
}
