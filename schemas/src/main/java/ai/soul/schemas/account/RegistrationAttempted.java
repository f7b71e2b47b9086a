package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/**
 * Someone registered with the email address this account holds. The registration was answered like any
 * other and opened an account that does not hold the address; nothing of it (who, from where, which
 * account) is in this event, only that it happened (the event's time), so that the holder can be told.
 * An account records at most one a day.
 */
@EventType("soul.account.registration_attempted.v1")
public record RegistrationAttempted(String accountId) implements AccountEvent {
}
