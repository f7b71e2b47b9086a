package ai.soul.command.account;

import ai.soul.command.Commands;
import ai.soul.domain.account.AccountCommands.ChangeTier;
import ai.soul.domain.account.AccountView;
import ai.soul.domain.account.TierCatalogue;
import ai.soul.edge.auth.Callers;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.tier.TierLimits;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * {@code POST /actuator/tiers/{accountId}} {@code {"tier": "pro"}}: the operator's (or the billing
 * system's) way to move an account to another tier. On the management side, not the public API:
 * expose it with {@code SOUL_ACTUATOR_ENDPOINTS=health,tiers} on a port only operators reach.
 */
@Component
@Endpoint(id = "tiers")
class TierEndpoint {

    private final Commands commands;
    private final Callers callers;

    TierEndpoint(Commands commands, Callers callers) {
        this.commands = commands;
        this.callers = callers;
    }

    @WriteOperation
    Map<String, Object> change(@Selector String accountId, String tier) {
        AccountView account = commands.send(new ChangeTier(accountId, tier), accountId, AccountView::version,
                accountId, ReadYourWrites.tierReader(accountId));
        callers.forgetAccount(accountId);
        return Map.of("id", account.id(), "tier", account.tier());
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class Tiers {
        /** The tiers a command may name are the configured ones. */
        @Bean
        TierCatalogue tierCatalogue(TierLimits limits) {
            return limits::knows;
        }
    }
}
