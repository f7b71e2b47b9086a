package ai.soul.domain.account;

import ai.soul.schemas.Refusal;

/** The email address and password (or the identity token) do not name an account; which of the two is wrong is not told. */
public class InvalidCredentials extends RuntimeException implements Refusal {
    public InvalidCredentials() {
        super("Invalid email or password");
    }

    @Override
    public int status() {
        return 401;
    }

    @Override
    public String code() {
        return "unauthorized";
    }
}
