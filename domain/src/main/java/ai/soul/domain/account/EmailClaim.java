package ai.soul.domain.account;

import ai.soul.domain.account.AccountCommands.FindAccountByEmail;
import ai.soul.schemas.account.EmailClaimed;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;


import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** One email address, owned by at most one account: its identifier is the hash of the address. */
@Aggregate
class EmailClaim {

    @AggregateIdentifier
    private String emailHash;
    private String accountId;

    EmailClaim() {
    }

    EmailClaim(String emailHash, String accountId) {
        apply(new EmailClaimed(emailHash, accountId));
    }

    @CommandHandler
    String handle(FindAccountByEmail cmd) {
        return accountId;
    }


    @EventSourcingHandler
    void on(EmailClaimed e) {
        emailHash = e.emailHash();
        accountId = e.accountId();
    }
}
