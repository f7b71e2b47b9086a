package ai.soul.command.account;

import ai.soul.domain.account.AccountCommands.DescribeAccount;
import ai.soul.domain.account.AccountCommands.LinkIdentity;
import ai.soul.domain.account.AccountCommands.RegisterByIdentity;
import ai.soul.domain.account.AccountView;
import ai.soul.domain.account.ClaimKeys;
import ai.soul.edge.Ids;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.web.ApiException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Login with an OIDC id token (Firebase is such an issuer): Spring Security's resource-server JWT
 * support checks the signature against the issuer's published keys, the issuer, the audience, and the
 * times: an expiry ({@code exp}) and an issue time ({@code iat}) are required, as OIDC Core requires them
 * of an id token, and the issue time may not lie ahead. The token must name its subject and carry an
 * email address with {@code "email_verified": true}, the JSON boolean (a string "true" is no claim of a
 * provider that verified anything). The identity (issuer and subject) belongs to one account: the first
 * login ties it to the account holding the token's verified email address, or opens one on the default tier.
 */
@Component
class IdentityLogin {

    /** How far a provider's clock may be ahead of ours (Spring's own default for exp and nbf). */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final AccountClaims claims;
    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;
    private final String issuer;
    private final String audience;
    private final String jwkSetUri;
    private final String defaultTier;
    /** Made at the first login, not at startup: an issuer that is down then must not stop the API. */
    private volatile JwtDecoder decoder;

    IdentityLogin(AccountClaims claims, CommandGateway gateway, ReadYourWrites readYourWrites,
                  @Value("${soul.auth.oidc.issuer:}") String issuer, @Value("${soul.auth.oidc.audience:}") String audience,
                  @Value("${soul.auth.oidc.jwk-set-uri:}") String jwkSetUri, @Value("${soul.default-tier}") String defaultTier) {
        this.claims = claims;
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
        this.issuer = issuer;
        this.audience = audience;
        this.jwkSetUri = jwkSetUri;
        this.defaultTier = defaultTier;
    }

    AccountView login(String idToken) {
        Jwt jwt;
        try {
            jwt = decoder().decode(idToken);
        } catch (JwtException e) {
            throw ApiException.unauthorized("The id token is not valid: it is expired, not signed by the configured issuer, or not for this API");
        }
        // the claims as the token's JSON has them: Spring's getClaimAsBoolean would read the string "true" as true
        if (!Boolean.TRUE.equals(jwt.getClaims().get("email_verified")) || !(jwt.getClaims().get("email") instanceof String email)) {
            throw ApiException.unauthorized("The id token carries no verified email address");
        }
        String identity = ClaimKeys.identity(issuer, jwt.getSubject());
        for (int attempt = 0; ; attempt++) {
            try {
                return accountFor(identity, email, jwt.getClaimAsString("name"));
            } catch (AggregateStreamCreationException concurrentFirstLogin) {
                // two first logins at once: one claim won, the other finds it on the next pass
                if (attempt == 2) throw concurrentFirstLogin;
            }
        }
    }

    private AccountView accountFor(String identity, String email, String name) {
        var linked = claims.holderOfIdentity(identity);
        if (linked.isPresent()) {
            return gateway.sendAndWait(new DescribeAccount(linked.get()));
        }
        var holder = claims.holderOfEmail(email);
        if (holder.isPresent()) {
            return gateway.sendAndWait(new LinkIdentity(holder.get(), issuer, identity));
        }
        String accountId = Ids.next("usr");
        var command = new RegisterByIdentity(accountId, email, name, defaultTier, issuer, identity);
        return readYourWrites.write(accountId, () -> gateway.sendAndWait(command), AccountView::version, accountId);
    }

    private JwtDecoder decoder() {
        if (issuer.isBlank()) {
            throw ApiException.validation(Map.of("id_token", List.of("Login with an id token is not configured on this server")));
        }
        JwtDecoder current = decoder;
        if (current == null) {
            synchronized (this) {
                if (decoder == null) {
                    decoder = build();
                }
                current = decoder;
            }
        }
        return current;
    }

    private JwtDecoder build() {
        NimbusJwtDecoder built = jwkSetUri.isBlank() ? JwtDecoders.fromIssuerLocation(issuer)
                : NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
        JwtClaimValidator<Collection<String>> audienceValidator =
                new JwtClaimValidator<>(JwtClaimNames.AUD, aud -> audience.isBlank() || (aud != null && aud.contains(audience)));
        JwtTimestampValidator times = new JwtTimestampValidator(CLOCK_SKEW);
        times.setAllowEmptyExpiryClaim(false);
        JwtClaimValidator<Instant> issuedAt = new JwtClaimValidator<>(JwtClaimNames.IAT,
                iat -> iat != null && !iat.isAfter(Instant.now().plus(CLOCK_SKEW)));
        // the identity is issuer and subject: without a subject every such token would be one identity
        JwtClaimValidator<String> subject = new JwtClaimValidator<>(JwtClaimNames.SUB, sub -> sub != null && !sub.isBlank());
        built.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                List.of(times, new JwtIssuerValidator(issuer), audienceValidator, issuedAt, subject)));
        return built;
    }
}
