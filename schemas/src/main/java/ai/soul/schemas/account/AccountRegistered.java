package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/** An account was opened. The password is only ever present as an adaptive hash. */
@EventType("soul.account.registered.v1")
public record AccountRegistered(
        String accountId,
        String email,
        String passwordHash,
        String name,
        String companyName,
        String tier) implements AccountEvent {
}
