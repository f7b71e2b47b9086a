package ai.soul.platform.auth;

import ai.soul.platform.consistency.ReadYourWrites;
import ai.soul.platform.web.ApiException;
import ai.soul.platform.web.ErrorWriter;
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
 * Every request except the public ones names its account with an API key, as
 * {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    private static final Set<String> PUBLIC = Set.of("/v1/health", "/v1/auth/register", "/v1/auth/login");

    private final Accounts accounts;
    private final ReadYourWrites readYourWrites;
    private final ErrorWriter errors;
    /**
     * Keys that were valid a moment ago, so a request does not look its key up in MongoDB every
     * time (that lookup was a tenth of the CPU of a write). Revocation must invalidate the entry:
     * until it exists, a key stays usable for at most {@link #KEY_CACHE_TTL}.
     */
    private final Cache<String, String> validKeys = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(KEY_CACHE_TTL).build();
    static final Duration KEY_CACHE_TTL = Duration.ofSeconds(10);

    public ApiKeyFilter(Accounts accounts, ReadYourWrites readYourWrites, ErrorWriter errors) {
        this.accounts = accounts;
        this.readYourWrites = readYourWrites;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return PUBLIC.contains(path) || path.startsWith("/actuator/") || path.equals("/error");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> key = presentedKey(request);
        if (key.isEmpty()) {
            errors.write(response, ApiException.unauthorized("An API key is required: Authorization: Bearer <key> or X-API-Key"));
            return;
        }
        String hash = ApiKeys.hash(key.get());
        String account = validKeys.getIfPresent(hash);
        if (account == null) {
            // a key issued a moment ago may not be in the read model yet
            readYourWrites.awaitFor(ReadYourWrites.keyReader(hash));
            account = accounts.accountForKey(hash).orElse(null);
            if (account == null) {
                errors.write(response, ApiException.unauthorized("Invalid or revoked API key"));
                return;
            }
            validKeys.put(hash, account);
        }
        request.setAttribute(Caller.ATTRIBUTE, new Caller(account));
        chain.doFilter(request, response);
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
