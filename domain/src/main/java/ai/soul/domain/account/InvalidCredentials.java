package ai.soul.domain.account;

/** The email address and password (or the identity token) do not name an account; which of the two is wrong is not told. */
public class InvalidCredentials extends RuntimeException {
    public InvalidCredentials() {
        super("Invalid email or password");
    }
}
