package ai.soul.domain.account;

/** The port to an adaptive password hash; the domain never keeps or emits a password itself. */
public interface PasswordHasher {
    String hash(String password);

    boolean matches(String password, String hash);
}
