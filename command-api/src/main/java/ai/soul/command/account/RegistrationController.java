package ai.soul.command.account;

import ai.soul.domain.account.AccountCommands.NoteRegistrationAttempt;
import ai.soul.domain.account.AccountCommands.RegisterAccount;
import ai.soul.domain.account.AccountView;
import ai.soul.edge.Ids;
import ai.soul.edge.auth.ApiKeys;
import ai.soul.edge.consistency.ReadYourWrites;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.Optional;

/**
 * {@code POST /v1/auth/register}: an account and its first API key, which is shown this once.
 *
 * <p>The answer does not tell whether the address is taken: an address another account holds is answered
 * with the same status, fields and (bcrypt being most of it) time as a free one, and gets an account and
 * a working key too. That account does not hold the address, so the address keeps logging into its
 * holder's account only, and the holder is told by a notice on their account (GET /v1/me).
 */
@RestController
class RegistrationController {

    private static final Logger log = LoggerFactory.getLogger(RegistrationController.class);

    record RegisterRequest(String email, String password, String name, String companyName) {
    }

    record RegisterResponse(String tenantId, String userId, String email, String tier, String apiKey, String message) {
    }

    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;
    private final AccountClaims claims;
    private final String defaultTier;

    RegistrationController(CommandGateway gateway, ReadYourWrites readYourWrites, AccountClaims claims,
                           @Value("${soul.default-tier:free}") String defaultTier) {
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
        this.claims = claims;
        this.defaultTier = defaultTier;
    }

    @PostMapping("/v1/auth/register")
    @ResponseStatus(HttpStatus.CREATED)
    RegisterResponse register(@RequestBody RegisterRequest request) {
        String accountId = Ids.next("usr");
        String key = ApiKeys.generate();
        Optional<String> holder = holderOf(request.email());
        AccountView account;
        try {
            account = open(request, accountId, key, holder.isEmpty());
        } catch (AggregateStreamCreationException takenMeanwhile) {
            // another registration of the address claimed it after the look-up; nothing of this one was stored
            holder = holderOf(request.email());
            if (holder.isEmpty()) throw takenMeanwhile;
            account = open(request, accountId, key, false);
        }
        holder.ifPresent(this::tellTheHolder);
        return new RegisterResponse(account.id(), account.id(), account.email(), account.tier(), key,
                "Account created. Save your API key - it will not be shown again.");
    }

    private Optional<String> holderOf(String email) {
        return email == null || email.isBlank() ? Optional.empty() : claims.holderOfEmail(email);
    }

    private AccountView open(RegisterRequest request, String accountId, String key, boolean claimAddress) {
        String keyHash = ApiKeys.hash(key);
        var command = new RegisterAccount(accountId, request.email(), request.password(), request.name(),
                request.companyName(), defaultTier, Ids.next("key"), ApiKeys.prefixOf(key), keyHash, claimAddress);
        return readYourWrites.write(accountId, () -> gateway.sendAndWait(command), AccountView::version, accountId,
                ReadYourWrites.keyReader(keyHash));
    }

    /** The registration has been answered as any other whatever happens here: a failure must not tell the address was taken. */
    private void tellTheHolder(String holderId) {
        try {
            gateway.sendAndWait(new NoteRegistrationAttempt(holderId));
        } catch (RuntimeException e) {
            log.warn("A registration notice could not be recorded ({})", e.getClass().getSimpleName());
        }
    }
}
