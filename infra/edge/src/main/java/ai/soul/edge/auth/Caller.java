package ai.soul.edge.auth;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/**
 * The account a request acts for, established by {@link ApiKeyFilter}; a controller parameter of this
 * type receives it. {@code tier} names the account's rate-limit tier ({@link ai.soul.edge.tier.TierLimits});
 * {@code keyId} is the API key presented, or null when the request carried an access token.
 */
public record Caller(String accountId, String tier, String keyId) {

    static final String ATTRIBUTE = Caller.class.getName();

    /** The caller of a request, once the authentication filter has run; empty for public or refused requests. */
    public static Optional<Caller> of(HttpServletRequest request) {
        return Optional.ofNullable((Caller) request.getAttribute(ATTRIBUTE));
    }
}
