package ai.soul.edge.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the account a request names with an API key or an access token, as {@code Authorization: Bearer <credential>}
 * or {@code X-API-Key: <key>}, and records it as the request's {@link Caller}. It refuses nothing itself:
 * the rate limiter runs next (so refused credentials are limited per client address, like any
 * anonymous request), and {@link AuthenticationRequiredFilter} then refuses a non-public request
 * that has no caller, with the reason recorded here.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    static final Set<String> PUBLIC = Set.of("/v1/health", "/v1/auth/register", "/v1/auth/login");
    /** Why a request has no caller, for {@link AuthenticationRequiredFilter} to answer. */
    static final String FAILURE = ApiKeyFilter.class.getName() + ".failure";

    private final Callers callers;

    public ApiKeyFilter(Callers callers) {
        this.callers = callers;
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
            callers.forCredential(key.get()).ifPresentOrElse(
                    caller -> request.setAttribute(Caller.ATTRIBUTE, caller),
                    () -> request.setAttribute(FAILURE, "Invalid, revoked or expired API key or access token"));
        }
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
