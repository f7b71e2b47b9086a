package ai.soul.command.account;

import ai.soul.domain.account.ClaimKeys;
import ai.soul.edge.auth.KeyedHash;
import ai.soul.edge.ratelimit.RateLimiter;
import ai.soul.edge.ratelimit.RateLimiter.Budget;
import ai.soul.edge.web.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Failed password logins, limited per account (whatever the client address) and per client address
 * (whatever the account), in the rate limiter's buckets (MongoDB, shared by every instance).
 *
 * <p>Each budget is {@code failures} attempts that come back one every {@code window / failures}. An attempt
 * takes one from both budgets before the password is checked, and a success gives both back: only failures
 * count, and a success restores nothing an attacker spent. While a budget is empty every attempt is refused
 * with 429, the right password too (else the lock-out would tell the attacker that he found it), without
 * checking it. So nobody waits longer than {@code window / failures} after the failures stop (one minute for
 * an account, two for an address, by default); API keys, access tokens and id-token logins are not limited here.
 *
 * <p>An account's budget is keyed by its id; an address nobody holds by a keyed hash of the address (never the
 * address, never a bare hash of it), and behaves exactly like a held one, so the limit tells nobody which
 * addresses have an account.
 */
@Component
class LoginThrottle {

    /** What an attempt took; give it back when the password was right. */
    interface Attempt {
        void succeeded();
    }

    private final RateLimiter limiter;
    private final KeyedHash keyedHash;
    private final Budget perAccount;
    private final Budget perAddress;

    LoginThrottle(RateLimiter limiter,
                  @Value("${soul.auth.hash-secret:}") String hashSecret, @Value("${DATA_DIR:}") String dataDir,
                  @Value("${soul.auth.login-throttle.per-account.failures}") long accountFailures,
                  @Value("${soul.auth.login-throttle.per-account.window}") Duration accountWindow,
                  @Value("${soul.auth.login-throttle.per-address.failures}") long addressFailures,
                  @Value("${soul.auth.login-throttle.per-address.window}") Duration addressWindow) {
        this.limiter = limiter;
        this.keyedHash = KeyedHash.load(hashSecret, dataDir);
        this.perAccount = new Budget(accountFailures, accountWindow);
        this.perAddress = new Budget(addressFailures, addressWindow);
    }

    /** Takes an attempt for a login to {@code email} from {@code address}, or answers 429. */
    Attempt attempt(Optional<String> accountId, String email, String address, HttpServletResponse response) {
        String account = "login-account:" + accountId.orElseGet(() -> "email-" + keyedHash.hash("login-throttle", ClaimKeys.normaliseEmail(email)));
        String client = "login-address:" + address;
        RateLimiter.Take byAccount = limiter.take(account, perAccount);
        if (!byAccount.taken()) {
            throw refused(perAccount, byAccount.retryAfter(), response);
        }
        RateLimiter.Take byAddress = limiter.take(client, perAddress);
        if (!byAddress.taken()) {
            limiter.giveBack(account, perAccount);
            throw refused(perAddress, byAddress.retryAfter(), response);
        }
        return () -> {
            limiter.giveBack(account, perAccount);
            limiter.giveBack(client, perAddress);
        };
    }

    /** 429 in the envelope and headers of every rate limit, for the budget that is spent. */
    private static ApiException refused(Budget budget, Duration wait, HttpServletResponse response) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        Instant resetAt = Instant.now().plus(wait);
        response.setHeader("Retry-After", Long.toString(seconds));
        response.setHeader("X-RateLimit-Limit", Long.toString(budget.capacity()));
        response.setHeader("X-RateLimit-Remaining", "0");
        response.setHeader("X-RateLimit-Reset", Long.toString(resetAt.getEpochSecond() + (resetAt.getNano() > 0 ? 1 : 0)));
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                "Too many failed logins: at most " + budget.capacity() + " per " + budget.window().toSeconds()
                        + " s, then one every " + budget.refillEach().toSeconds() + " s; retry in " + seconds + " s",
                Map.of("rateLimit", Map.of("limit", budget.capacity(), "remaining", 0, "resetAt", resetAt.toString())));
    }
}
