package ai.soul.edge.tier;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.Map;

/**
 * Requests allowed per account in each window, by tier ({@code soul.tiers.<tier>.per-minute|per-hour|per-day}),
 * and per client address on the public endpoints ({@code soul.rate-limits.public.*}). A window left out
 * (null) does not limit. Configuration, not code: the defaults are in soul-edge.properties.
 */
@ConfigurationProperties("soul")
public record TierLimits(Map<String, Limits> tiers, RateLimits rateLimits, String defaultTier) {

    public record Limits(Long perMinute, Long perHour, Long perDay) {
    }

    public record RateLimits(Limits publicEndpoints) {
    }

    public boolean knows(String tier) {
        return tiers.containsKey(tier);
    }

    /**
     * The limits of a tier; those of the default tier ({@code soul.default-tier}) for a tier the
     * configuration no longer lists, so an account left on a removed tier is limited, not refused.
     */
    public Limits of(String tier) {
        Limits limits = tiers.get(tier);
        return limits != null ? limits : tiers.get(defaultTier);
    }

    /** Per client address, for requests that name no account. */
    public Limits publicEndpoints() {
        return rateLimits.publicEndpoints();
    }
}
