package ai.soul.domain.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public final class AccountCommands {

    private AccountCommands() {
    }

    /**
     * Opens an account with its first API key. The key itself never enters the domain: the caller
     * generates it, shows it once, and passes only its hash and prefix.
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
            String keyHash) {
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
}
