package ai.soul.edge.ratelimit;

import ai.soul.edge.auth.Caller;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ErrorEnvelope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code soul.rate-limits.concurrent-requests} requests of one account in this instance at
 * once; one more is answered 429 at once ({@code Retry-After: 1}), at no cost. A rate per minute
 * bounds how many requests an account sends, not how many heavy ones it has running together: without
 * this, one account's exports, long summaries and searches could hold every request thread while
 * another account's requests queue behind them.
 */
public class ConcurrencyLimitFilter extends OncePerRequestFilter {

    private final int limit;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    public ConcurrencyLimitFilter(int limit) {
        this.limit = limit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String account = Caller.of(request).map(Caller::accountId).orElse(null);
        if (account == null || limit <= 0) {
            chain.doFilter(request, response);
            return;
        }
        AtomicInteger inFlight = running.compute(account, (k, count) -> {
            AtomicInteger counter = count == null ? new AtomicInteger() : count;
            counter.incrementAndGet();
            return counter;
        });
        try {
            if (inFlight.get() > limit) {
                ErrorEnvelope.write(response, ApiException.ofStatus(HttpStatus.TOO_MANY_REQUESTS,
                        "Too many requests of this account at once: at most " + limit + " may run together; retry in 1 s")
                        .withDetails(Map.of("concurrentRequests", Map.of("limit", limit))).retryAfter(1));
                return;
            }
            chain.doFilter(request, response);
        } finally {
            // the counter goes once no request of the account runs, so idle accounts hold nothing
            running.computeIfPresent(account, (k, count) -> count.decrementAndGet() == 0 ? null : count);
        }
    }
}
