package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/**
 * An account was opened by a first login with an identity provider's token (OIDC, e.g. Firebase):
 * it has no password. {@code issuer} is the provider that vouched for the (verified) email address.
 */
@EventType("soul.account.registered_by_identity.v1")
public record AccountRegisteredByIdentity(String accountId, String email, String name, String tier, String issuer) implements AccountEvent {
}
