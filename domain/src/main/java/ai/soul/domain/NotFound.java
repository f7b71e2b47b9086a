package ai.soul.domain;

/**
 * The thing does not exist for this caller: never created, deleted, or another account's.
 * The three look the same from outside on purpose.
 */
public class NotFound extends RuntimeException {
    public NotFound(String what) {
        super(what + " not found");
    }
}
