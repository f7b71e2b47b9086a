package ai.soul.domain;

import ai.soul.schemas.Refusal;

/** The command collides with the current state (for example an email that is already registered). */
public class Conflict extends RuntimeException implements Refusal {
    public Conflict(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String code() {
        return "conflict";
    }
}
