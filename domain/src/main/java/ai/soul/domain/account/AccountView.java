package ai.soul.domain.account;

import java.time.Instant;

/** An account right after a command; {@code version} is the sequence number of its last event. */
public record AccountView(String id, String email, String name, String tier, Instant createdAt, long version) {
}
