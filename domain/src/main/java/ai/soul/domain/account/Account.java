package ai.soul.domain.account;

import ai.soul.domain.Checks;
import ai.soul.domain.Conflict;
import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.account.AccountCommands.ChangeTier;
import ai.soul.domain.account.AccountCommands.CheckPassword;
import ai.soul.domain.account.AccountCommands.DescribeAccount;
import ai.soul.domain.account.AccountCommands.IssueApiKey;
import ai.soul.domain.account.AccountCommands.LinkIdentity;
import ai.soul.domain.account.AccountCommands.NoteRegistrationAttempt;
import ai.soul.domain.account.AccountCommands.RegisterAccount;
import ai.soul.domain.account.AccountCommands.RegisterByIdentity;
import ai.soul.domain.account.AccountCommands.RevokeApiKey;
import ai.soul.schemas.account.AccountRegisteredByIdentity;
import ai.soul.schemas.account.ApiKeyRevoked;
import ai.soul.schemas.account.RegistrationAttempted;
import ai.soul.schemas.account.TierChanged;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.StorageReleased;
import ai.soul.schemas.account.StorageReserved;
import ai.soul.domain.account.AccountCommands.ReleaseExportStorage;
import ai.soul.domain.account.AccountCommands.ReleaseStorage;
import ai.soul.domain.account.AccountCommands.ReserveExportStorage;
import ai.soul.domain.account.AccountCommands.ReserveStorage;
import ai.soul.schemas.account.ExportStorageReleased;
import ai.soul.schemas.account.ExportStorageReserved;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    /** The tiers AccountRegistered v1 can carry (its schema lists them); a later tier change may name any configured tier. */
    static final Set<String> TIERS = Set.of("free", "premium", "ultra", "pro", "api", "enterprise");
    /** Active keys an account may hold at once: enough for every environment and rotation, few enough to audit. */
    static final int MAX_ACTIVE_KEYS = 20;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    /** Registrations of an account's address are noted at most this often: enough to tell the owner, not a log an attacker can fill. */
    static final Duration NOTICE_INTERVAL = Duration.ofDays(1);

    @AggregateIdentifier
    private String id;
    private String email;
    private String name;
    private String tier;
    private String passwordHash;
    private Instant createdAt;
    private long version;
    /** Key id to key hash, of the keys not revoked. */
    private final Map<String, String> activeKeys = new HashMap<>();
    private final Set<String> revokedKeys = new HashSet<>();
    private Instant lastNoticeAt;

    Account() {
    }

    /**
     * The email address is claimed by a second aggregate created in the same unit of work; the
     * event store's unique (aggregate, sequence) key makes a second claim of one address fail. An account
     * registered for an address another account holds does the same work (the hash above all, which is
     * what its answer's time is made of) and claims nothing.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    AccountView handle(RegisterAccount cmd, PasswordHasher hasher) throws Exception {
        String email = ClaimKeys.normaliseEmail(cmd.email());
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
        if (cmd.claimAddress()) {
            String emailHash = ClaimKeys.email(email);
            createNew(EmailClaim.class, () -> new EmailClaim(emailHash, cmd.accountId()));
        }
        return view();
    }

    /**
     * "Now" is the clock Axon stamps events with (a fixture's own in tests), so it compares with the
     * time of the last notice's event.
     */
    @CommandHandler
    AccountView handle(NoteRegistrationAttempt cmd) {
        if (lastNoticeAt == null || !GenericEventMessage.clock.instant().isBefore(lastNoticeAt.plus(NOTICE_INTERVAL))) {
            apply(new RegistrationAttempted(id));
        }
        return view();
    }

    /**
     * The provider vouched for the address, so there is no password to check; the address and the
     * identity are claimed like at a registration, so a second account cannot take either.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    AccountView handle(RegisterByIdentity cmd) throws Exception {
        String email = ClaimKeys.normaliseEmail(cmd.email());
        Checks checks = new Checks()
                .required("email", email, "The identity token carries no email address")
                .maxLength("email", email, 254, "Email must be at most 254 characters")
                .required("issuer", cmd.issuer(), "Issuer is required")
                .oneOf("tier", cmd.tier(), TIERS);
        if (email != null && !email.isBlank() && !EMAIL.matcher(email).matches()) {
            checks.add("email", "Email must be a valid email address");
        }
        checks.orThrow();
        String name = cmd.name() == null || cmd.name().length() <= 200 ? cmd.name() : cmd.name().substring(0, 200);
        apply(new AccountRegisteredByIdentity(cmd.accountId(), email, name, cmd.tier(), cmd.issuer()));
        createNew(EmailClaim.class, () -> new EmailClaim(ClaimKeys.email(email), cmd.accountId()));
        createNew(IdentityClaim.class, () -> new IdentityClaim(cmd.identityHash(), cmd.accountId(), cmd.issuer()));
        return view();
    }

    /** A second claim of one identity fails in the event store, like a second claim of an address. */
    @CommandHandler
    AccountView handle(LinkIdentity cmd) throws Exception {
        createNew(IdentityClaim.class, () -> new IdentityClaim(cmd.identityHash(), id, cmd.issuer()));
        return view();
    }

    @CommandHandler
    AccountView handle(CheckPassword cmd, PasswordHasher hasher) {
        if (passwordHash == null || cmd.password() == null || !hasher.matches(cmd.password(), passwordHash)) {
            throw new InvalidCredentials();
        }
        return view();
    }

    @CommandHandler
    AccountView handle(ChangeTier cmd, TierCatalogue tiers) {
        if (cmd.tier() == null || !tiers.knows(cmd.tier())) {
            throw new RuleViolation(Map.of("tier", List.of("Tier must be one of the configured tiers")));
        }
        if (!cmd.tier().equals(tier)) {
            apply(new TierChanged(id, tier, cmd.tier()));
        }
        return view();
    }

    @CommandHandler
    AccountView handle(IssueApiKey cmd) {
        if (activeKeys.size() >= MAX_ACTIVE_KEYS) {
            throw new Conflict("An account holds at most " + MAX_ACTIVE_KEYS + " active API keys; revoke one first");
        }
        apply(new ApiKeyIssued(id, cmd.keyId(), cmd.keyPrefix(), cmd.keyHash()));
        return view();
    }

    /** Revoking twice is not an error: the key is revoked either way. Another account's key is not found. */
    @CommandHandler
    AccountView handle(RevokeApiKey cmd) {
        String hash = activeKeys.get(cmd.keyId());
        if (hash != null) {
            apply(new ApiKeyRevoked(id, cmd.keyId(), hash));
        } else if (!revokedKeys.contains(cmd.keyId())) {
            throw new NotFound("API key");
        }
        return view();
    }

    @CommandHandler
    AccountView handle(DescribeAccount cmd) {
        return view();
    }

    private AccountView view() {
        return new AccountView(id, email, name, tier, createdAt, version);
    }

    @EventSourcingHandler
    void on(AccountRegistered e, @Timestamp Instant at, @SequenceNumber long seq) {
        id = e.accountId();
        email = e.email();
        name = e.name();
        tier = e.tier();
        passwordHash = e.passwordHash();
        createdAt = at;
        version = seq;
    }

    @EventSourcingHandler
    void on(AccountRegisteredByIdentity e, @Timestamp Instant at, @SequenceNumber long seq) {
        id = e.accountId();
        email = e.email();
        name = e.name();
        tier = e.tier();
        createdAt = at;
        version = seq;
    }

    @EventSourcingHandler
    void on(ApiKeyIssued e, @SequenceNumber long seq) {
        activeKeys.put(e.keyId(), e.keyHash());
        version = seq;
    }

    @EventSourcingHandler
    void on(ApiKeyRevoked e, @SequenceNumber long seq) {
        activeKeys.remove(e.keyId());
        revokedKeys.add(e.keyId());
        version = seq;
    }

    @EventSourcingHandler
    void on(TierChanged e, @SequenceNumber long seq) {
        tier = e.tier();
        version = seq;
    }

    @EventSourcingHandler
    void on(RegistrationAttempted e, @Timestamp Instant at, @SequenceNumber long seq) {
        lastNoticeAt = at;
        version = seq;
    }

    // ---------------------------------------------------------------- storage quota (attachments and exports)

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

    /** Export files by file id: an export's file counts like an attachment while it is stored (ReserveExportStorage). */
    private final Map<String, ExportFile> exportFiles = new java.util.LinkedHashMap<>();

    private record ExportFile(String exportId, long size) {
    }

    /** Answers the bytes in use after the reservation. */
    @CommandHandler
    long handle(ReserveExportStorage cmd) {
        if (exportFiles.containsKey(cmd.fileId())) {
            return usedBytes;
        }
        if (cmd.size() < 0 || usedBytes + cmd.size() > cmd.limitBytes()) {
            throw new StorageQuotaExceeded(usedBytes, cmd.limitBytes(), cmd.size());
        }
        apply(new ExportStorageReserved(id, cmd.exportId(), cmd.fileId(), cmd.size()));
        return usedBytes;
    }

    /** Answers the bytes in use after the release. */
    @CommandHandler
    long handle(ReleaseExportStorage cmd) {
        List.copyOf(exportFiles.entrySet()).stream()
                .filter(f -> f.getValue().exportId().equals(cmd.exportId()) && (cmd.fileId() == null || cmd.fileId().equals(f.getKey())))
                .forEach(f -> apply(new ExportStorageReleased(id, cmd.exportId(), f.getKey(), f.getValue().size())));
        return usedBytes;
    }

    @EventSourcingHandler
    void on(ExportStorageReserved e, @SequenceNumber long seq) {
        exportFiles.put(e.fileId(), new ExportFile(e.exportId(), e.size()));
        usedBytes += e.size();
        version = seq;
    }

    @EventSourcingHandler
    void on(ExportStorageReleased e, @SequenceNumber long seq) {
        if (exportFiles.remove(e.fileId()) != null) {
            usedBytes -= e.size();
        }
        version = seq;
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
