package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/** The account moved to another tier; its rate limits are the new tier's from this event on. */
@EventType("soul.account.tier_changed.v1")
public record TierChanged(String accountId, String previousTier, String tier) implements AccountEvent {
}
