package ai.soul.edge.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API keys: {@code sk_} and 43 url-safe random characters (256 bits). Only the SHA-256 hash is
 * stored: a fast hash is right for a secret of this entropy, unlike a password.
 */
public final class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PREFIX_LENGTH = 11;
    public static final String PREFIX = "sk_";

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String prefixOf(String key) {
        return key.substring(0, Math.min(PREFIX_LENGTH, key.length()));
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
