package ai.soul.domain.account;

import ai.soul.domain.Checks;
import ai.soul.domain.account.AccountCommands.RegisterAccount;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.StorageReleased;
import ai.soul.schemas.account.StorageReserved;
import ai.soul.domain.account.AccountCommands.ReleaseStorage;
import ai.soul.domain.account.AccountCommands.ReserveStorage;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.createNew;

@Aggregate(cache = "aggregateCache")
class Account {

    static final int MIN_PASSWORD = 8;
    /**
     * Bcrypt, the adaptive hash behind {@link PasswordHasher}, reads at most 72 bytes of a password
     * (the bytes of its UTF-8 encoding) and refuses longer ones: the rule is stated in those bytes, so
     * every password the rule lets in can be hashed. 72 plain ASCII characters; fewer with accented
     * letters, other scripts or emoji, which take 2 to 4 bytes each.
     */
    static final int MAX_PASSWORD_BYTES = 72;
    static final Set<String> TIERS = Set.of("free", "premium", "ultra", "pro", "api", "enterprise");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    @AggregateIdentifier
    private String id;
    private String email;
    private String name;
    private String tier;
    private Instant createdAt;
    private long version;

    Account() {
    }

    /**
     * The email address is claimed by a second aggregate created in the same unit of work; the
     * event store's unique (aggregate, sequence) key makes a second claim of one address fail.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    AccountView handle(RegisterAccount cmd, PasswordHasher hasher) throws Exception {
        String email = cmd.email() == null ? null : cmd.email().strip().toLowerCase(Locale.ROOT);
        Checks checks = new Checks()
                .required("email", email, "Email is required")
                .maxLength("email", email, 254, "Email must be at most 254 characters")
                .required("password", cmd.password(), "Password is required")
                .maxLength("name", cmd.name(), 200, "Name must be at most 200 characters")
                .maxLength("company_name", cmd.companyName(), 200, "Company name must be at most 200 characters")
                .oneOf("tier", cmd.tier(), TIERS);
        if (email != null && !email.isBlank() && !EMAIL.matcher(email).matches()) {
            checks.add("email", "Email must be a valid email address");
        }
        if (cmd.password() != null && cmd.password().length() < MIN_PASSWORD) {
            checks.add("password", "Password must be at least " + MIN_PASSWORD + " characters");
        }
        if (cmd.password() != null && cmd.password().getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            checks.add("password", "Password must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8 (" + MAX_PASSWORD_BYTES
                    + " plain ASCII characters; accented letters, other scripts and emoji take 2 to 4 bytes each)");
        }
        // every rule is checked before the password is hashed; a taken email fails when the claim is stored, after it
        checks.orThrow();
        apply(new AccountRegistered(cmd.accountId(), email, hasher.hash(cmd.password()), cmd.name(), cmd.companyName(), cmd.tier()));
        apply(new ApiKeyIssued(cmd.accountId(), cmd.keyId(), cmd.keyPrefix(), cmd.keyHash()));
        String emailHash = EmailClaim.hashOf(email);
        createNew(EmailClaim.class, () -> new EmailClaim(emailHash, cmd.accountId()));
        return new AccountView(id, email, name, tier, createdAt, version);
    }

    @EventSourcingHandler
    void on(AccountRegistered e, @Timestamp Instant at, @SequenceNumber long seq) {
        id = e.accountId();
        email = e.email();
        name = e.name();
        tier = e.tier();
        createdAt = at;
        version = seq;
    }

    @EventSourcingHandler
    void on(ApiKeyIssued e, @SequenceNumber long seq) {
        version = seq;
    }

    // ---------------------------------------------------------------- storage quota (attachments)

    /** Bytes reserved per attachment; the account decides one reservation at a time, so the sum is exact. */
    private final Map<String, Long> reserved = new HashMap<>();
    private long usedBytes;

    /** Answers the bytes in use after the reservation. */
    @CommandHandler
    long handle(ReserveStorage cmd) {
        if (reserved.containsKey(cmd.attachmentId())) {
            return usedBytes;
        }
        if (cmd.size() < 0 || usedBytes + cmd.size() > cmd.limitBytes()) {
            throw new StorageQuotaExceeded(usedBytes, cmd.limitBytes(), cmd.size());
        }
        apply(new StorageReserved(id, cmd.attachmentId(), cmd.size()));
        return usedBytes;
    }

    /** Answers the bytes in use after the release. */
    @CommandHandler
    long handle(ReleaseStorage cmd) {
        Long size = reserved.get(cmd.attachmentId());
        if (size != null) {
            apply(new StorageReleased(id, cmd.attachmentId(), size));
        }
        return usedBytes;
    }

    @EventSourcingHandler
    void on(StorageReserved e, @SequenceNumber long seq) {
        reserved.put(e.attachmentId(), e.size());
        usedBytes += e.size();
        version = seq;
    }

    @EventSourcingHandler
    void on(StorageReleased e, @SequenceNumber long seq) {
        if (reserved.remove(e.attachmentId()) != null) {
            usedBytes -= e.size();
        }
        version = seq;
    }
}
