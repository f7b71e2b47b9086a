package ai.soul.platform.auth;

import ai.soul.platform.consistency.ReadYourWrites;
import ai.soul.projections.account.Accounts;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the account a request names with an API key, as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}, and records it as the request's {@link Caller}. It refuses nothing itself:
 * the rate limiter runs next (so refused credentials are limited per client address, like any
 * anonymous request), and {@link AuthenticationRequiredFilter} then refuses a non-public request
 * that has no caller, with the reason recorded here.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    static final Set<String> PUBLIC = Set.of("/v1/health", "/v1/auth/register", "/v1/auth/login");
    /** Why a request has no caller, for {@link AuthenticationRequiredFilter} to answer. */
    static final String FAILURE = ApiKeyFilter.class.getName() + ".failure";

    private final Accounts accounts;
    private final ReadYourWrites readYourWrites;
    /**
     * Keys that were valid a moment ago, so a request does not look its key up in MongoDB every
     * time (that lookup was a tenth of the CPU of a write). Revocation must invalidate the entry:
     * until it exists, a key stays usable for at most {@link #KEY_CACHE_TTL}.
     */
    private final Cache<String, Caller> validKeys = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(KEY_CACHE_TTL).build();
    static final Duration KEY_CACHE_TTL = Duration.ofSeconds(10);

    public ApiKeyFilter(Accounts accounts, ReadYourWrites readYourWrites) {
        this.accounts = accounts;
        this.readYourWrites = readYourWrites;
    }

    static boolean isPublic(HttpServletRequest request) {
        String path = request.getRequestURI();
        return PUBLIC.contains(path) || path.startsWith("/actuator/") || path.equals("/error");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> key = presentedKey(request);
        if (key.isEmpty()) {
            request.setAttribute(FAILURE, "An API key is required: Authorization: Bearer <key> or X-API-Key");
        } else {
            Caller caller = callerFor(key.get());
            if (caller == null) {
                request.setAttribute(FAILURE, "Invalid or revoked API key");
            } else {
                request.setAttribute(Caller.ATTRIBUTE, caller);
            }
        }
        chain.doFilter(request, response);
    }

    private Caller callerFor(String key) {
        String hash = ApiKeys.hash(key);
        Caller caller = validKeys.getIfPresent(hash);
        if (caller == null) {
            // a key issued a moment ago may not be in the read model yet
            readYourWrites.awaitFor(ReadYourWrites.keyReader(hash));
            caller = accounts.callerForKey(hash).map(k -> new Caller(k.accountId(), k.tier(), k.keyId())).orElse(null);
            if (caller != null) {
                validKeys.put(hash, caller);
            }
        }
        return caller;
    }

    private static Optional<String> presentedKey(HttpServletRequest request) {
        String header = request.getHeader("X-API-Key");
        if (header != null && !header.isBlank()) {
            return Optional.of(header.strip());
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() > 7) {
            return Optional.of(authorization.substring(7).strip());
        }
        return Optional.empty();
    }
}
