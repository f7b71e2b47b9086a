package ai.soul.command.account;

import ai.soul.domain.account.AccountCommands.CheckPassword;
import ai.soul.domain.account.AccountView;
import ai.soul.domain.account.InvalidCredentials;
import ai.soul.domain.account.PasswordHasher;
import ai.soul.edge.auth.AccessTokens;
import ai.soul.edge.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /v1/auth/login}: an email address and password, or an identity provider's id token
 * ({@code id_token}, or {@code firebase_token} as seed 000 names it), for a signed access token.
 * The password is checked by the account itself, in the event store, so a login works the moment
 * the registration is answered. Failed password logins are limited per account and per client address
 * ({@link LoginThrottle}).
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
    private final AccountClaims claims;
    private final LoginThrottle throttle;

    LoginController(CommandGateway gateway, PasswordHasher hasher, AccessTokens tokens, IdentityLogin identities,
                    AccountClaims claims, LoginThrottle throttle) {
        this.gateway = gateway;
        this.hasher = hasher;
        this.tokens = tokens;
        this.identities = identities;
        this.claims = claims;
        this.throttle = throttle;
        this.decoyHash = hasher.hash("decoy password, never anyone's");
    }

    @PostMapping(path = "/v1/auth/login", consumes = "application/json")
    LoginResponse login(@RequestBody LoginRequest request, HttpServletRequest http, HttpServletResponse response) {
        String idToken = request.idToken() != null ? request.idToken() : request.firebaseToken();
        AccountView account = idToken != null ? withIdToken(request, idToken) : withPassword(request, http, response);
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

    private AccountView withPassword(LoginRequest request, HttpServletRequest http, HttpServletResponse response) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        if (request.email() == null || request.email().isBlank()) missing.put("email", List.of("Email is required"));
        if (request.password() == null || request.password().isEmpty()) missing.put("password", List.of("Password is required"));
        if (!missing.isEmpty()) {
            throw ApiException.validation(missing);
        }
        Optional<String> accountId = claims.holderOfEmail(request.email());
        // behind a proxy, server.forward-headers-strategy makes this the client's address
        LoginThrottle.Attempt attempt = throttle.attempt(accountId, request.email(), http.getRemoteAddr(), response);
        if (accountId.isEmpty()) {
            hasher.matches(request.password(), decoyHash);
            throw new InvalidCredentials();
        }
        AccountView account = gateway.sendAndWait(new CheckPassword(accountId.get(), request.password()));
        attempt.succeeded();
        return account;
    }
}
