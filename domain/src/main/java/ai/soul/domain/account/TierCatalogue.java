package ai.soul.domain.account;

/** The tiers this deployment is configured with: tiers are configuration, not code. */
@FunctionalInterface
public interface TierCatalogue {
    boolean knows(String tier);
}
