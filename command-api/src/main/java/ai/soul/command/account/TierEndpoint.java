package ai.soul.command.account;

import ai.soul.domain.account.AccountCommands.ChangeTier;
import ai.soul.domain.account.AccountView;
import ai.soul.domain.account.TierCatalogue;
import ai.soul.edge.auth.Callers;
import ai.soul.edge.consistency.ReadYourWrites;
import org.axonframework.commandhandling.gateway.CommandGateway;
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

    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;
    private final Callers callers;

    TierEndpoint(CommandGateway gateway, ReadYourWrites readYourWrites, Callers callers) {
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
        this.callers = callers;
    }

    @WriteOperation
    Map<String, Object> change(@Selector String accountId, String tier) {
        AccountView account = readYourWrites.write(accountId, () -> gateway.sendAndWait(new ChangeTier(accountId, tier)),
                AccountView::version, accountId, ReadYourWrites.tierReader(accountId));
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
