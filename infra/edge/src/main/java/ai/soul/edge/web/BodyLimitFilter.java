package ai.soul.edge.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.function.ToLongFunction;

/**
 * Refuses bodies over the limit with 413: at once when Content-Length says so, and while reading
 * when the body is chunked and its length is unknown up front.
 */
public class BodyLimitFilter extends OncePerRequestFilter {

    private final ToLongFunction<HttpServletRequest> limits;

    public BodyLimitFilter(long limit) {
        this(request -> limit);
    }

    /** {@code limits} gives each request its limit (a route that takes uploads takes more than the rest). */
    public BodyLimitFilter(ToLongFunction<HttpServletRequest> limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = limits.applyAsLong(request);
        if (request.getContentLengthLong() > limit) {
            ErrorEnvelope.write(response, ApiException.payloadTooLarge(limit));
            return;
        }
        long[] read = {0};
        chain.doFilter(new ObservedBodyRequest(request, (buffer, offset, length) -> {
            read[0] += length;
            if (read[0] > limit) {
                throw ApiException.payloadTooLarge(limit);
            }
        }), response);
    }
}
