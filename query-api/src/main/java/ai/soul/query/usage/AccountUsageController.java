package ai.soul.query.usage;

import ai.soul.edge.attachment.AttachmentLimits;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.tier.TierLimits;
import ai.soul.edge.web.ApiException;
import ai.soul.projections.account.AccountDocument;
import ai.soul.projections.account.Accounts;
import ai.soul.projections.usage.Usage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The caller's account (seed 003) and its usage per period; both from the usage counters ({@link Usage}). */
@RestController
class AccountUsageController {

    private static final double MB = 1024 * 1024;

    record Storage(double usedMb, double limitMb) {
    }

    record ApiUsage(long requestsToday, Long limitPerDay) {
    }

    record Account(String id, String email, String plan, Storage storage, ApiUsage apiUsage, String createdAt) {
    }

    record Period(LocalDate from, LocalDate to) {
    }

    record Conversations(long total, Map<String, Long> bySource) {
    }

    record Messages(long total, Map<String, Long> byRole) {
    }

    record ModelTokens(long prompt, long completion, long total) {
    }

    record Tokens(long prompt, long completion, long total, Map<String, ModelTokens> byModel) {
    }

    record StorageByType(double conversations, double attachments, double exports) {
    }

    record UsedStorage(double totalMb, long totalBytes, StorageByType byType) {
    }

    record ApiRequests(long total, Map<String, Long> byEndpoint, Map<String, Long> byStatus) {
    }

    record UsageReport(Period period, Conversations conversations, Messages messages, Tokens tokens, UsedStorage storage,
                       ApiRequests apiRequests) {
    }

    private final Accounts accounts;
    private final Usage usage;
    private final TierLimits tiers;
    private final AttachmentLimits attachments;
    private final int maxDays;
    private final Clock clock = Clock.systemUTC();

    AccountUsageController(Accounts accounts, Usage usage, TierLimits tiers, AttachmentLimits attachments,
                           @Value("${soul.usage.max-days}") int maxDays) {
        this.accounts = accounts;
        this.usage = usage;
        this.tiers = tiers;
        this.attachments = attachments;
        this.maxDays = maxDays;
    }

    @GetMapping("/v1/account")
    Account account(Caller caller) {
        var profile = accounts.profile(caller.accountId()).orElseThrow(() -> ApiException.notFound("Account not found"));
        String tier = profile.tier() == null ? caller.tier() : profile.tier();
        LocalDate today = LocalDate.now(clock);
        Long perDay = tiers.knows(tier) ? tiers.of(tier).perDay() : null;
        return new Account(profile.id(), profile.email(), tier,
                new Storage(mb(usage.storage(caller.accountId(), since(profile), today).total()), mb(attachments.accountQuota().toBytes())),
                new ApiUsage(usage.requests(caller.accountId(), today), perDay),
                profile.createdAt() == null ? null : profile.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    @GetMapping("/v1/account/usage")
    UsageReport usage(Caller caller, @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        LocalDate last = to == null ? LocalDate.now(clock) : date("to", to);
        LocalDate first = from == null ? last.withDayOfMonth(1) : date("from", from);
        if (first.isAfter(last)) {
            throw ApiException.validation(Map.of("from", List.of("from must not be after to")));
        }
        if (ChronoUnit.DAYS.between(first, last) + 1 > maxDays) {
            throw ApiException.validation(Map.of("to", List.of("The period is at most " + maxDays + " days")));
        }
        var profile = accounts.profile(caller.accountId()).orElseThrow(() -> ApiException.notFound("Account not found"));
        Usage.Report r = usage.report(caller.accountId(), since(profile), first, last);
        Map<String, ModelTokens> byModel = r.tokensByModel().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> new ModelTokens(e.getValue().prompt(), e.getValue().completion(), e.getValue().total()), (a, b) -> a, TreeMap::new));
        long prompt = byModel.values().stream().mapToLong(ModelTokens::prompt).sum();
        long completion = byModel.values().stream().mapToLong(ModelTokens::completion).sum();
        return new UsageReport(new Period(first, last),
                new Conversations(sum(r.conversationsBySource()), r.conversationsBySource()),
                new Messages(sum(r.messagesByRole()), r.messagesByRole()),
                new Tokens(prompt, completion, prompt + completion, byModel),
                new UsedStorage(mb(r.storage().total()), r.storage().total(),
                        new StorageByType(mb(r.storage().conversations()), mb(r.storage().attachments()), mb(r.storage().exports()))),
                new ApiRequests(r.requests(), r.requestsByEndpoint(), r.requestsByStatus()));
    }

    /** The account's first day: its storage counts from there. */
    private LocalDate since(AccountDocument profile) {
        return profile.createdAt() == null ? LocalDate.now(clock).minusDays(maxDays) : LocalDate.ofInstant(profile.createdAt(), ZoneOffset.UTC);
    }

    /** An ISO date, or a date-time whose UTC day is meant. */
    private static LocalDate date(String name, String value) {
        try {
            return value.length() <= 10 ? LocalDate.parse(value)
                    : OffsetDateTime.parse(value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be an ISO 8601 date (2024-01-31) or date-time");
        }
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Megabytes (MiB) with two decimals: a few kilobytes still show. */
    private static double mb(long bytes) {
        return BigDecimal.valueOf(bytes / MB).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }
}
