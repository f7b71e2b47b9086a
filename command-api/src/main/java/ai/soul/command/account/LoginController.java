package ai.soul.command.account;

import ai.soul.domain.account.AccountCommands.CheckPassword;
import ai.soul.domain.account.AccountCommands.FindAccountByEmail;
import ai.soul.domain.account.AccountView;
import ai.soul.domain.account.ClaimKeys;
import ai.soul.domain.account.InvalidCredentials;
import ai.soul.domain.account.PasswordHasher;
import ai.soul.platform.auth.AccessTokens;
import ai.soul.platform.web.ApiException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/auth/login}: an email address and password, or an identity provider's id token
 * ({@code id_token}, or {@code firebase_token} as seed 000 names it), for a signed access token.
 * The password is checked by the account itself, in the event store, so a login works the moment
 * the registration is answered.
 */
@RestController
class LoginController {

    record LoginRequest(String email, String password, String idToken, String firebaseToken) {
    }

    record User(String id, String name, String email) {
    }

    record LoginResponse(String token, Instant expiresAt, String tokenType, User user) {
    }

    /** Compared against when the address is unknown, so both refusals take a bcrypt's time. */
    private final String decoyHash;
    private final CommandGateway gateway;
    private final PasswordHasher hasher;
    private final AccessTokens tokens;
    private final IdentityLogin identities;

    LoginController(CommandGateway gateway, PasswordHasher hasher, AccessTokens tokens, IdentityLogin identities) {
        this.gateway = gateway;
        this.hasher = hasher;
        this.tokens = tokens;
        this.identities = identities;
        this.decoyHash = hasher.hash("decoy password, never anyone's");
    }

    @PostMapping(path = "/v1/auth/login", consumes = "application/json")
    LoginResponse login(@RequestBody LoginRequest request) {
        String idToken = request.idToken() != null ? request.idToken() : request.firebaseToken();
        AccountView account = idToken != null ? withIdToken(request, idToken) : withPassword(request);
        AccessTokens.Issued token = tokens.issue(account.id(), account.tier());
        return new LoginResponse(token.token(), token.expiresAt(), "Bearer", new User(account.id(), account.name(), account.email()));
    }

    private AccountView withIdToken(LoginRequest request, String idToken) {
        if (request.email() != null || request.password() != null) {
            throw ApiException.validation(Map.of("id_token", List.of("Send either an id token or an email and password, not both")));
        }
        if (idToken.isBlank()) {
            throw ApiException.validation(Map.of("id_token", List.of("The id token is empty")));
        }
        return identities.login(idToken);
    }

    private AccountView withPassword(LoginRequest request) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        if (request.email() == null || request.email().isBlank()) missing.put("email", List.of("Email is required"));
        if (request.password() == null || request.password().isEmpty()) missing.put("password", List.of("Password is required"));
        if (!missing.isEmpty()) {
            throw ApiException.validation(missing);
        }
        String accountId;
        try {
            accountId = gateway.sendAndWait(new FindAccountByEmail(ClaimKeys.email(request.email())));
        } catch (AggregateNotFoundException unknownAddress) {
            hasher.matches(request.password(), decoyHash);
            throw new InvalidCredentials();
        }
        return gateway.sendAndWait(new CheckPassword(accountId, request.password()));
    }
}
