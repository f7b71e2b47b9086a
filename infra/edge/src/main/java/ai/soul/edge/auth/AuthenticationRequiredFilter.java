package ai.soul.edge.auth;

import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ErrorWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/** Refuses, with 401, a request to a non-public endpoint that {@link ApiKeyFilter} found no caller for. */
public class AuthenticationRequiredFilter extends OncePerRequestFilter {

    private final ErrorWriter errors;

    public AuthenticationRequiredFilter(ErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return ApiKeyFilter.isPublic(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (Caller.of(request).isEmpty()) {
            Object reason = request.getAttribute(ApiKeyFilter.FAILURE);
            errors.write(response, ApiException.unauthorized(reason == null ? "Authentication is required" : reason.toString()));
            return;
        }
        chain.doFilter(request, response);
    }
}
