package ai.soul.edge.ratelimit;

import ai.soul.edge.auth.Caller;
import ai.soul.edge.tier.TierLimits;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ErrorEnvelope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Takes one request from the bucket of the request's account ({@link Caller}, limits of its tier), or,
 * when the request names no account (public endpoints, refused credentials), from the bucket of its
 * client address ({@link TierLimits#publicEndpoints()}). Runs after the caller is resolved and before
 * authentication is required, so a request with a wrong key is limited per address and still answered 401.
 *
 * <p>Every response that passes here carries the limits, set before the handler runs (so they are there
 * on every status): {@code X-RateLimit-Limit}, {@code -Remaining}, {@code -Reset} (unix seconds) for the
 * window that is tightest now, and the IETF fields (draft-ietf-httpapi-ratelimit-headers)
 * {@code RateLimit-Policy} (every window: quota and length in seconds) and {@code RateLimit} (every window:
 * what is left and seconds until it starts again, the tightest first). Over the limit: 429 with
 * {@code Retry-After} and {@code details.rateLimit}; the request goes no further, so it changes nothing.
 * The operators' actuator endpoints are not limited; its public health is, per address, like
 * {@code /v1/health}. Answers given before this filter (406 from the Accept check, 413 from the
 * body limit) carry no limits and are not counted: they are refused before any work, at no cost.
 */
public class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimiter limiter;
    private final TierLimits limits;

    public RateLimitFilter(RateLimiter limiter, TierLimits limits) {
        this.limiter = limiter;
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.startsWith("/actuator/") && !path.equals("/actuator/health") && !path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RateLimiter.Decision decision = Caller.of(request)
                .map(caller -> limiter.consume("account:" + caller.accountId(), limits.of(caller.tier())))
                // behind a proxy, server.forward-headers-strategy makes this the client's address
                .orElseGet(() -> limiter.consume("address:" + request.getRemoteAddr(), limits.publicEndpoints()));
        if (decision.quotas().isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        RateLimiter.Quota tightest = decision.tightest();
        response.setHeader("X-RateLimit-Limit", Long.toString(tightest.limit()));
        response.setHeader("X-RateLimit-Remaining", Long.toString(tightest.remaining()));
        response.setHeader("X-RateLimit-Reset", Long.toString(tightest.resetAt().getEpochSecond()));
        response.setHeader("RateLimit-Policy", decision.quotas().stream()
                .sorted(Comparator.comparing(RateLimiter.Quota::window))
                .map(q -> "\"" + q.name() + "\";q=" + q.limit() + ";w=" + q.window().toSeconds())
                .collect(Collectors.joining(", ")));
        response.setHeader("RateLimit", decision.quotas().stream()
                .map(q -> "\"" + q.name() + "\";r=" + q.remaining() + ";t=" + secondsUntil(decision.now(), q.resetAt()))
                .collect(Collectors.joining(", ")));
        if (decision.allowed()) {
            chain.doFilter(request, response);
            return;
        }
        long retryAfter = secondsUntil(decision.now(), tightest.resetAt());
        ErrorEnvelope.write(response, ApiException.ofStatus(HttpStatus.TOO_MANY_REQUESTS,
                "Rate limit exceeded: " + tightest.limit() + " requests per " + tightest.name() + "; retry in " + retryAfter + " s")
                .withDetails(Map.of("rateLimit", Map.of("limit", tightest.limit(), "remaining", tightest.remaining(),
                        "resetAt", tightest.resetAt().toString())))
                .retryAfter(retryAfter));
    }

    /** Whole seconds, rounded up: a client that waits this long finds the window started again. */
    private static long secondsUntil(Instant now, Instant then) {
        long millis = Duration.between(now, then).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
