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
}
