package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/**
 * An email address was taken by an account. The subject is a hash of the normalised address,
 * so that two registrations of one address collide in the event store itself.
 */
@EventType("soul.account.email_claimed.v1")
public record EmailClaimed(String emailHash, String accountId) implements AccountEvent {
}
