package ai.soul.edge.auth;

import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ErrorEnvelope;
import ai.soul.edge.web.Routes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Refuses, with 401, a request to a non-public route that {@link ApiKeyFilter} found no caller for. A path
 * that is no route is let through to be answered 404 like with a key: whether a key was sent does not
 * change what a route that does not exist is (the rate limit before this still counts it, per address).
 */
public class AuthenticationRequiredFilter extends OncePerRequestFilter {

    private final Routes routes;

    public AuthenticationRequiredFilter(Routes routes) {
        this.routes = routes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return ApiKeyFilter.isPublic(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (Caller.of(request).isEmpty() && routes.of(request).exists()) {
            Object reason = request.getAttribute(ApiKeyFilter.FAILURE);
            ErrorEnvelope.write(response, ApiException.unauthorized(reason == null ? "Authentication is required" : reason.toString()));
            return;
        }
        chain.doFilter(request, response);
    }
}
