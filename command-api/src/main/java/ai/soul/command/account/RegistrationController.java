package ai.soul.command.account;

import ai.soul.command.Commands;
import ai.soul.domain.account.AccountCommands.RegisterAccount;
import ai.soul.domain.account.AccountView;
import ai.soul.platform.Ids;
import ai.soul.platform.auth.ApiKeys;
import ai.soul.platform.consistency.ReadYourWrites;
import ai.soul.platform.web.ApiException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/auth/register}: an account and its first API key, which is shown this once. */
@RestController
class RegistrationController {

    record RegisterRequest(String email, String password, String name, String companyName) {
    }

    record RegisterResponse(String tenantId, String userId, String email, String tier, String apiKey, String message) {
    }

    private final Commands commands;
    private final String defaultTier;

    RegistrationController(Commands commands, @Value("${soul.default-tier:free}") String defaultTier) {
        this.commands = commands;
        this.defaultTier = defaultTier;
    }

    @PostMapping("/v1/auth/register")
    @ResponseStatus(HttpStatus.CREATED)
    RegisterResponse register(@RequestBody RegisterRequest request) {
        String accountId = Ids.next("usr");
        String key = ApiKeys.generate();
        String keyHash = ApiKeys.hash(key);
        var command = new RegisterAccount(accountId, request.email(), request.password(), request.name(),
                request.companyName(), defaultTier, Ids.next("key"), ApiKeys.prefixOf(key), keyHash);
        try {
            AccountView account = commands.send(command, accountId, AccountView::version,
                    accountId, ReadYourWrites.keyReader(keyHash));
            return new RegisterResponse(account.id(), account.id(), account.email(), account.tier(), key,
                    "Account created. Save your API key - it will not be shown again.");
        } catch (AggregateStreamCreationException e) {
            throw ApiException.conflict("An account with this email already exists");
        }
    }
}
