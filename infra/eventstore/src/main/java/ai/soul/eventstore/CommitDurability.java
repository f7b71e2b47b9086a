package ai.soul.eventstore;

/**
 * What a command's answer and the Kafka publisher wait for: the events committed so far are
 * durable. Nothing to wait for where the store makes each commit durable itself (MongoDB).
 */
@FunctionalInterface
public interface CommitDurability {

    void awaitDurable();
}
