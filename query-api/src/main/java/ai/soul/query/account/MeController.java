package ai.soul.query.account;

import ai.soul.edge.auth.Caller;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.Page;
import ai.soul.projections.account.AccountDocument;
import ai.soul.projections.account.Accounts;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/me}, the caller's profile (seed 000) and what the account's holder is told ({@code notices}),
 * and {@code GET /v1/api-keys}, their keys without the secrets.
 */
@RestController
class MeController {

    record Me(String id, String name, String email, String companyName, String tier, Instant createdAt, String soulId,
              List<Notice> notices) {
    }

    record Notice(String type, String message, Instant createdAt) {
    }

    static final Map<String, String> MESSAGES = Map.of("registration_attempted",
            "Someone registered with your email address. Nothing changed for you: the address stays yours and logs into "
                    + "this account only. If it was not you, no action is needed; a strong password keeps your account safe.");

    record ApiKey(String id, String prefix, String status, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    }

    private final Accounts accounts;

    MeController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/v1/me")
    Me me(Caller caller) {
        AccountDocument account = accounts.profile(caller.accountId())
                .orElseThrow(() -> ApiException.notFound("Account " + caller.accountId() + " not found"));
        // one soul per user, named after the account (the soul itself is another issue's)
        String soulId = "soul_" + caller.accountId().substring("usr_".length());
        List<Notice> notices = account.latestNoticesFirst().stream()
                .map(n -> new Notice(n.type(), MESSAGES.getOrDefault(n.type(), n.type()), n.at())).toList();
        return new Me(caller.accountId(), account.name(), account.email(), account.companyName(), account.tier(), account.createdAt(), soulId,
                notices);
    }

    @GetMapping("/v1/api-keys")
    Page<ApiKey> keys(Caller caller, HttpServletRequest request, @RequestParam(defaultValue = "1") int page,
                      @RequestParam(name = "per_page", defaultValue = "20") int perPage) {
        Page.check(page, perPage);
        var keys = accounts.keysOf(caller.accountId(), ai.soul.projections.Paging.skip(page, perPage), perPage).stream()
                .map(k -> new ApiKey(k.keyId(), k.prefix(), k.revokedAt() == null ? "active" : "revoked", k.createdAt(), k.lastUsedAt(),
                        k.revokedAt()))
                .toList();
        return Page.of(keys, page, perPage, accounts.countKeys(caller.accountId()), request);
    }
}
