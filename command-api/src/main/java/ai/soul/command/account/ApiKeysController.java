package ai.soul.command.account;

import ai.soul.domain.account.AccountCommands.IssueApiKey;
import ai.soul.domain.account.AccountCommands.RevokeApiKey;
import ai.soul.domain.account.AccountView;
import ai.soul.edge.Ids;
import ai.soul.edge.auth.ApiKeys;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.auth.Callers;
import ai.soul.edge.consistency.ReadYourWrites;
import org.axonframework.commandhandling.gateway.CommandGateway;
import ai.soul.projections.account.Accounts;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;

/** {@code POST /v1/api-keys} issues a key, shown this once; {@code DELETE /v1/api-keys/{id}} revokes one at once. */
@RestController
class ApiKeysController {

    record IssuedKey(String id, String key, String prefix, String status, Instant createdAt, String message) {
    }

    record RevokedKey(String id, String status, boolean revoked) {
    }

    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;
    private final Accounts accounts;
    private final Callers callers;

    ApiKeysController(CommandGateway gateway, ReadYourWrites readYourWrites, Accounts accounts, Callers callers) {
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
        this.accounts = accounts;
        this.callers = callers;
    }

    @PostMapping("/v1/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    IssuedKey issue(Caller caller) {
        String key = ApiKeys.generate();
        String hash = ApiKeys.hash(key);
        String keyId = Ids.next("key");
        var command = new IssueApiKey(caller.accountId(), keyId, ApiKeys.prefixOf(key), hash);
        readYourWrites.write(caller.accountId(), () -> gateway.sendAndWait(command), AccountView::version,
                caller.accountId(), ReadYourWrites.keyReader(hash));
        return new IssuedKey(keyId, key, ApiKeys.prefixOf(key), "active", Ids.instantOf(keyId),
                "Save this API key now: it will not be shown again.");
    }

    /**
     * The key stops working with this answer: this instance forgets it before answering, and a lookup
     * after that waits until the read model has the revocation; other instances forget it when the
     * event reaches them.
     */
    @DeleteMapping("/v1/api-keys/{id}")
    RevokedKey revoke(Caller caller, @PathVariable String id) {
        // a key not in the read model yet was never looked up here, so no reader can hold it
        String hash = accounts.keyHash(caller.accountId(), id).orElse(null);
        String[] readers = hash == null ? new String[]{caller.accountId()} : new String[]{caller.accountId(), ReadYourWrites.keyReader(hash)};
        try {
            readYourWrites.write(caller.accountId(), () -> gateway.sendAndWait(new RevokeApiKey(caller.accountId(), id)),
                    AccountView::version, readers);
        } finally {
            if (hash != null) callers.forgetKey(hash);
        }
        return new RevokedKey(id, "revoked", true);
    }
}
