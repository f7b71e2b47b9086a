package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/** An API key was revoked: from this event on, a request presenting it is refused. */
@EventType("soul.account.api_key_revoked.v1")
public record ApiKeyRevoked(String accountId, String keyId, String keyHash) implements AccountEvent {
}
