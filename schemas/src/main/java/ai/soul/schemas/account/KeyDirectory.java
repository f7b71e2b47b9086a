package ai.soul.schemas.account;

import java.util.Optional;

/**
 * What the web edge asks of the account read model to authenticate a request: who holds an API key,
 * and on which tier an account is. Here, between the two, so that neither depends on the other.
 */
public interface KeyDirectory {

    /** An unrevoked key: its account and its id. */
    record Key(String accountId, String keyId) {
    }

    /** The unrevoked key with this SHA-256 hash. */
    Optional<Key> activeKey(String keyHash);

    /** The account's tier. */
    Optional<String> tierOf(String accountId);
}
