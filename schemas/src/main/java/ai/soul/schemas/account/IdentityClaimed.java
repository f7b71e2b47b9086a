package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/**
 * An identity at a provider (issuer and subject of an OIDC token) was tied to an account. The subject
 * is a hash of issuer and subject, so one identity can belong to one account only.
 */
@EventType("soul.account.identity_claimed.v1")
public record IdentityClaimed(String identityHash, String accountId, String issuer) implements AccountEvent {
}
