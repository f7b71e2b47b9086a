package ai.soul.command.account;

import ai.soul.domain.account.ClaimKeys;
import ai.soul.schemas.account.EmailClaimed;
import ai.soul.schemas.account.IdentityClaimed;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Which account holds an email address or an identity, read from the claim's events in the event store
 * (where registration wrote them, so a login finds an account the moment its registration is answered).
 * A claim nobody made is an empty stream here. Asking a claim aggregate that does not exist through a
 * command instead made Axon's repository log a WARN naming the aggregate's id, a hash of the address,
 * on every login with an unknown address.
 */
@Component
class AccountClaims {

    private final EventStore events;

    AccountClaims(EventStore events) {
        this.events = events;
    }

    Optional<String> holderOfEmail(String email) {
        return first(ClaimKeys.email(email), EmailClaimed.class).map(EmailClaimed::accountId);
    }

    Optional<String> holderOfIdentity(String identityHash) {
        return first(identityHash, IdentityClaimed.class).map(IdentityClaimed::accountId);
    }

    /** A claim is made once and never changes: its first event says it all. */
    private <T> Optional<T> first(String claimId, Class<T> type) {
        DomainEventStream stream = events.readEvents(claimId);
        return stream.hasNext() ? Optional.of(stream.next().getPayload()).filter(type::isInstance).map(type::cast) : Optional.empty();
    }
}
