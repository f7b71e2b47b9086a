package ai.soul.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data directories readable by their owner only. The event store, the Kafka log and the read models
 * hold password hashes and every account's data, and other users of a shared host must not read them.
 * <p>
 * Java has no umask of its own: the process's is set to 077 here (through libc), so that every file
 * Kafka, H2, Lucene or the MongoDB server creates from then on is owner-only, and whatever an older
 * version left readable to others is tightened once, at start.
 */
public final class OwnerOnly {

    private static final Logger log = LoggerFactory.getLogger(OwnerOnly.class);

    private static final int UMASK = 0077;
    private static final Set<PosixFilePermission> OWNER_BITS =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static boolean umaskSet;

    private OwnerOnly() {
    }

    /**
     * Makes {@code dir} (created if missing) and everything under it owner-only, and every file this
     * process creates from now on. Returns {@code dir}.
     */
    public static Path directory(Path dir) {
        restrictUmask();
        try {
            Files.createDirectories(dir);
            if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return dir;
            }
            try (Stream<Path> tree = Files.walk(dir)) {
                tree.forEach(OwnerOnly::tighten);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir + " readable by its owner only", e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot make " + dir + " readable by its owner only", e.getCause());
        }
    }

    /**
     * The secret kept in {@code file}: made on first use (256 random bits, URL-safe base64) in an
     * owner-only file, so it outlives a restart and nobody has to invent one.
     */
    public static String secret(Path file) {
        return secret(file, 32);
    }

    /** {@link #secret(Path)} with {@code bytes} random bytes. */
    public static String secret(Path file, int bytes) {
        try {
            if (!Files.exists(file)) {
                directory(file.toAbsolutePath().getParent());
                // a temporary file is owner-only from its creation on
                Path fresh = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".new");
                Files.writeString(fresh, newSecret(bytes));
                try {
                    // a concurrent first start must not replace a secret the other one already uses
                    Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException lostTheRace) {
                    Files.delete(fresh);
                }
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a secret in " + file, e);
        }
    }

    /** {@code bytes} random bytes, URL-safe base64 without padding: no quoting needed anywhere. */
    public static String newSecret(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static synchronized void restrictUmask() {
        if (umaskSet) {
            return;
        }
        umaskSet = true;
        try {
            POSIX posix = POSIXFactory.getNativePOSIX();
            if (posix.isNative()) {
                posix.umask(UMASK);
                return;
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("no native umask", e);
        }
        log.warn("Cannot set this process's umask: files created later in the data directory are protected only by "
                + "their directory's permissions (start with umask 077)");
    }

    /** Drops the group's and others' bits; keeps the owner's. Links are left alone (their targets are not ours). */
    private static void tighten(Path path) {
        try {
            if (Files.isSymbolicLink(path)) {
                return;
            }
            Set<PosixFilePermission> current = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
            current.stream().filter(OWNER_BITS::contains).forEach(owner::add);
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                owner = OWNER_BITS;
            }
            if (!owner.equals(current)) {
                Files.setPosixFilePermissions(path, owner);
            }
        } catch (NoSuchFileException goneMeanwhile) {
            // nothing left to protect
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
