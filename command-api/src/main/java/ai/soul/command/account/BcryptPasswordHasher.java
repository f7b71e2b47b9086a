package ai.soul.command.account;

import ai.soul.domain.account.PasswordHasher;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The password port on BCrypt, an adaptive hash whose cost grows with the hardware. BCrypt takes at
 * most 72 bytes of UTF-8 and refuses more; the account rule (Account.MAX_PASSWORD_BYTES) keeps longer
 * passwords from ever reaching it.
 */
@Component
class BcryptPasswordHasher implements PasswordHasher {

    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(10);

    @Override
    public String hash(String password) {
        return encoder.encode(password);
    }

    @Override
    public boolean matches(String password, String hash) {
        return encoder.matches(password, hash);
    }
}
