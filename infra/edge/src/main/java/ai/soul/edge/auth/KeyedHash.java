package ai.soul.edge.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * HMAC-SHA256 under a secret of the deployment ({@code soul.auth.hash-secret}, {@code SOUL_HASH_SECRET}):
 * an identifier made from personal data (an email address) that only the holder of the secret can make
 * again. A bare SHA-256 of an address is no such thing: anyone with a list of addresses recomputes it.
 *
 * <p>Without a configured secret, the one under {@code DATA_DIR/secrets/hash-secret} is used, made on first
 * use and readable by its owner only (the local launcher always sets DATA_DIR); without either, a random
 * secret of this process, with a warning: what is keyed by it then holds for this instance and run only.
 */
public final class KeyedHash {

    private static final Logger log = LoggerFactory.getLogger(KeyedHash.class);
    static final String FILE = "hash-secret";

    private final SecretKeySpec key;

    KeyedHash(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalStateException("soul.auth.hash-secret must be at least 32 bytes (256 bits) for HMAC-SHA256");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** The configured secret, else the data directory's, else this process's own. */
    public static KeyedHash load(String secret, String dataDir) {
        if (secret != null && !secret.isBlank()) {
            return new KeyedHash(secret.getBytes(StandardCharsets.UTF_8));
        }
        if (dataDir != null && !dataDir.isBlank()) {
            return new KeyedHash(kept(Path.of(dataDir, "secrets", FILE)).getBytes(StandardCharsets.UTF_8));
        }
        log.warn("soul.auth.hash-secret is not set: keyed hashes (the login throttle of unknown addresses) hold for this "
                + "process only; set SOUL_HASH_SECRET, the same on every instance");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return new KeyedHash(random);
    }

    /** Hex of HMAC-SHA256 over {@code purpose} and {@code value}: one secret serves several purposes without their hashes meeting. */
    public String hash(String purpose, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal((purpose + "\n" + value).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JVM", e);
        }
    }

    /** The secret in {@code file}, written there first if there is none, created readable by its owner only. */
    private static String kept(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] random = new byte[48];
                new SecureRandom().nextBytes(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (FileAlreadyExistsException madeMeanwhile) {
                    return Files.readString(file).strip();
                } catch (UnsupportedOperationException notPosix) {
                    Files.createFile(file);
                }
                Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the hash secret under " + file, e);
        }
    }
}
