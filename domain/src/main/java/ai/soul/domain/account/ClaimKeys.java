package ai.soul.domain.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The identifiers of the claim aggregates: hashes, so that an address or an identity is unique in the
 * event store itself without being an identifier anyone could read back.
 */
public final class ClaimKeys {

    private ClaimKeys() {
    }

    /** An email address as registration stores it: trimmed and lower-cased. */
    public static String normaliseEmail(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }

    /** The email claim of an address as a user typed it. */
    public static String email(String email) {
        return sha256(normaliseEmail(email));
    }

    /** The subject is only unique within its issuer, so both are hashed together. */
    public static String identity(String issuer, String subject) {
        return sha256(issuer + "|" + subject);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
