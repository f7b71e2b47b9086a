package ai.soul.schemas;

import java.time.Instant;

/**
 * An event as consumers see it on the log: the CloudEvents attributes that matter to them and
 * the decoded record. {@code sequence} is the event's position within its subject (the
 * aggregate), starting at 0; read models use it to apply every event at most once.
 */
public record PublishedEvent<T>(String id, String type, String subject, long sequence, Instant time, T data) {
}
