package ai.soul.domain;

import ai.soul.schemas.Refusal;

/**
 * The thing does not exist for this caller: never created, deleted, or another account's.
 * The three look the same from outside on purpose.
 */
public class NotFound extends RuntimeException implements Refusal {
    public NotFound(String what) {
        super(what + " not found");
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String code() {
        return "not_found";
    }
}
