package ai.soul.schemas.account;

/**
 * An event about an account, {@link #accountId}. The account aggregate's own events have the account
 * as their subject; {@link EmailClaimed} and {@link IdentityClaimed} are decided by a claim of an
 * address or an identity (their subject is its hash) and name the account that took it.
 */
public sealed interface AccountEvent permits AccountRegistered, AccountRegisteredByIdentity, ApiKeyIssued, ApiKeyRevoked, TierChanged,
        RegistrationAttempted, StorageReserved, StorageReleased, ExportStorageReserved, ExportStorageReleased,
        EmailClaimed, IdentityClaimed {

    String accountId();
}
