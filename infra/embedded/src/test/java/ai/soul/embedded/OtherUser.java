package ai.soul.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.sun.security.auth.module.UnixSystem;

/**
 * Tries to connect to a Unix socket from a small Java program run as another local user
 * ({@code nobody}, through {@code setpriv}), as an attacker on a shared host would. Only root can
 * become another user, so a test that needs this is skipped elsewhere.
 */
final class OtherUser {

    private static final String NOBODY = "65534";
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final String PROBE = """
            import java.net.StandardProtocolFamily;
            import java.net.UnixDomainSocketAddress;
            import java.nio.channels.SocketChannel;

            public class Probe {
                public static void main(String[] args) {
                    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        channel.connect(UnixDomainSocketAddress.of(args[0]));
                        System.out.println("CONNECTED");
                    } catch (Exception e) {
                        System.out.println("REFUSED " + e.getMessage());
                    }
                }
            }
            """;

    private OtherUser() {
    }

    static boolean available() {
        return new UnixSystem().getUid() == 0 && Files.isExecutable(SETPRIV);
    }

    /** {@code CONNECTED}, or {@code REFUSED} and the reason, as seen by the user {@code nobody}. */
    static String connect(Path socket) {
        return probe(socket, true);
    }

    /** The same probe as this process's own user: shows the probe itself works. */
    static String connectAsOwner(Path socket) {
        return probe(socket, false);
    }

    private static String probe(Path socket, boolean asNobody) {
        try {
            // a directory everyone may read, so that only the socket's own protection is tested
            Path dir = Files.createTempDirectory("probe");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path source = Files.writeString(dir.resolve("Probe.java"), PROBE);
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> command = new ArrayList<>();
            if (asNobody) {
                command.addAll(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
            }
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:-UsePerfData", "-Xshare:off", source.toString(), socket.toString()));
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the probe did not finish");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            Files.delete(source);
            Files.delete(dir);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
