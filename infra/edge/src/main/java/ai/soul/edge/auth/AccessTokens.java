package ai.soul.edge.auth;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The access tokens {@code POST /v1/auth/login} hands out: JWTs signed with HMAC-SHA256 under a secret
 * every instance shares ({@code soul.auth.token-secret}), so any instance verifies what another issued
 * without a lookup. The subject is the account; the tier travels along for the moment after a
 * registration when the read models do not hold the account yet.
 */
public class AccessTokens {

    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);
    static final String TIER = "tier";

    public record Issued(String token, Instant expiresAt) {
    }

    public record Verified(String accountId, String tier) {
    }

    private final NimbusJwtEncoder encoder;
    private final NimbusJwtDecoder decoder;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;

    public AccessTokens(String secret, String issuer, Duration ttl, Clock clock) {
        SecretKey key = new SecretKeySpec(keyBytes(secret), "HmacSHA256");
        this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
        this.decoder = NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
        // no leeway: a token is refused the second it expires; and one without an expiry is no token of ours
        JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);
        expiry.setAllowEmptyExpiryClaim(false);
        expiry.setClock(clock);
        this.decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(expiry, new JwtIssuerValidator(issuer)));
        this.issuer = issuer;
        this.ttl = ttl;
        this.clock = clock;
    }

    private static byte[] keyBytes(String secret) {
        if (secret == null || secret.isBlank()) {
            log.warn("soul.auth.token-secret is not set: access tokens are signed with a key of this process only, "
                    + "so they end with it and no other instance accepts them");
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw new IllegalStateException("soul.auth.token-secret must be at least 32 bytes (256 bits) for HMAC-SHA256");
        }
        return bytes;
    }

    /** A fresh random secret, as the local launcher keeps one under DATA_DIR. */
    public static String newSecret() {
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public Issued issue(String accountId, String tier) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // a JWT's times are whole seconds
        Instant expiresAt = now.plus(ttl);
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(issuer).subject(accountId).issuedAt(now).expiresAt(expiresAt)
                .id(UUID.randomUUID().toString()).claim(TIER, tier).build();
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), claims))
                .getTokenValue();
        return new Issued(token, expiresAt);
    }

    /** The account of a valid, unexpired token of ours; empty for anything else. */
    public Optional<Verified> verify(String token) {
        try {
            Jwt jwt = decoder.decode(token);
            return Optional.of(new Verified(jwt.getSubject(), jwt.getClaimAsString(TIER)));
        } catch (JwtException e) {
            return Optional.empty();
        }
    }

    /** What the filter needs: does this bearer value look like a JWT rather than an API key. */
    static boolean looksLikeJwt(String value) {
        int first = value.indexOf('.');
        return first > 0 && value.indexOf('.', first + 1) > first + 1;
    }
}
