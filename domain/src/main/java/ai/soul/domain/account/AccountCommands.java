package ai.soul.domain.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public final class AccountCommands {

    private AccountCommands() {
    }

    /**
     * Opens an account with its first API key. The key itself never enters the domain: the caller
     * generates it, shows it once, and passes only its hash and prefix.
     *
     * <p>{@code claimAddress}: whether the account takes the email address. It does not when another
     * account holds the address already: a registration is answered the same whether the address is
     * taken or not (the answer must not tell who has an account), so it opens an account either way,
     * but the address stays its holder's, who is told ({@link NoteRegistrationAttempt}).
     */
    public record RegisterAccount(
            @TargetAggregateIdentifier String accountId,
            String email,
            String password,
            String name,
            String companyName,
            String tier,
            String keyId,
            String keyPrefix,
            String keyHash,
            boolean claimAddress) {
    }

    /** Someone registered with the email address this account holds; the account keeps a notice of it, nothing of the attempt. */
    public record NoteRegistrationAttempt(@TargetAggregateIdentifier String accountId) {
    }

    /**
     * Sets {@code size} bytes of the account's quota aside for an attachment; {@code limitBytes} is the
     * quota (configuration, not domain state). Reserving for the same attachment again changes nothing.
     */
    public record ReserveStorage(@TargetAggregateIdentifier String accountId, String attachmentId, long size, long limitBytes) {
    }

    /** Gives back what was reserved for an attachment; an attachment with nothing reserved changes nothing. */
    public record ReleaseStorage(@TargetAggregateIdentifier String accountId, String attachmentId) {
    }

    /**
     * Counts an export's file ({@code fileId}, {@code size} bytes) against the account's quota, with its
     * attachments; {@code limitBytes} is the quota. Reserving for the same file again changes nothing.
     */
    public record ReserveExportStorage(@TargetAggregateIdentifier String accountId, String exportId, String fileId, long size,
                                       long limitBytes) {
    }

    /** Gives back what an export's file holds ({@code fileId}), or every file of the export ({@code fileId} null). */
    public record ReleaseExportStorage(@TargetAggregateIdentifier String accountId, String exportId, String fileId) {
    }

    /** Moves the account to another tier; the tiers a deployment knows come from its configuration ({@link TierCatalogue}). */
    public record ChangeTier(@TargetAggregateIdentifier String accountId, String tier) {
    }

    /** Issues one more API key; as at registration, only the key's hash and prefix enter the domain. */
    public record IssueApiKey(@TargetAggregateIdentifier String accountId, String keyId, String keyPrefix, String keyHash) {
    }

    /** Revokes one of the account's keys; a key already revoked stays revoked and nothing changes. */
    public record RevokeApiKey(@TargetAggregateIdentifier String accountId, String keyId) {
    }

    /** Checks a password against the account's; answers the account, or fails with {@link InvalidCredentials}. */
    public record CheckPassword(@TargetAggregateIdentifier String accountId, String password) {
    }

    /**
     * Opens an account on a first login with an identity provider's token: the provider vouched for
     * the email address, so there is no password; {@code identityHash} ties the identity to the account.
     */
    public record RegisterByIdentity(
            @TargetAggregateIdentifier String accountId,
            String email,
            String name,
            String tier,
            String issuer,
            String identityHash) {
    }

    /** Ties an identity at a provider to an existing account (the provider vouched for its email address). */
    public record LinkIdentity(@TargetAggregateIdentifier String accountId, String issuer, String identityHash) {
    }

    /** The account as the event store has it now, for an answer that cannot wait for the read models (a login). */
    public record DescribeAccount(@TargetAggregateIdentifier String accountId) {
    }
}
