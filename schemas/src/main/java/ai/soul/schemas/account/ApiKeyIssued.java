package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/** An API key was issued. Only its SHA-256 hash and its first characters are ever kept. */
@EventType("soul.account.api_key_issued.v1")
public record ApiKeyIssued(String accountId, String keyId, String prefix, String keyHash) implements AccountEvent {
}
