package ai.soul.domain;

/** The command collides with the current state (for example an email that is already registered). */
public class Conflict extends RuntimeException {
    public Conflict(String message) {
        super(message);
    }
}
