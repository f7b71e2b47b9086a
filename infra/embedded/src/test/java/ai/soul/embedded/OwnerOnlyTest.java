package ai.soul.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding 3 of issue 10: everything under DATA_DIR but the token secret was 0644/0755. */
class OwnerOnlyTest {

    @Test
    void tightensWhatAnOlderVersionLeftOpenAndKeepsWhatComesLaterPrivate(@TempDir Path root) throws IOException {
        Path data = root.resolve("data");
        Path events = Files.createDirectories(data.resolve("kafka/kafka/soul.events-0"));
        Files.writeString(events.resolve("00000000000000000000.log"), "records");
        Files.writeString(data.resolve("events.mv.db"), "events");
        Path script = Files.writeString(data.resolve("tool.sh"), "#!/bin/sh");
        for (Path dir : new Path[] {data, data.resolve("kafka"), data.resolve("kafka/kafka"), events}) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(events.resolve("00000000000000000000.log"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(data.resolve("events.mv.db"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        OwnerOnly.directory(data);

        assertThat(openToOthers(data)).isEmpty();
        assertThat(Files.getPosixFilePermissions(script)).as("the owner keeps its own bits")
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        // created later, the way Kafka, H2 and Lucene create theirs: the umask keeps them private
        Files.writeString(events.resolve("00000000000000000001.log"), "more records");
        Files.createDirectories(data.resolve("search/_0"));
        assertThat(openToOthers(data)).isEmpty();
    }

    @Test
    void aSecretIsMadeOnceInAnOwnerOnlyFile(@TempDir Path root) throws IOException {
        Path file = root.resolve("secrets/kafka-password");
        String secret = OwnerOnly.secret(file);
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(OwnerOnly.secret(file)).isEqualTo(secret);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    /** Every path under {@code dir} that its group or others may use, with its permissions. */
    static List<String> openToOthers(Path dir) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            return tree.map(path -> path + " " + permissions(path)).filter(line -> !line.endsWith("------")).toList();
        }
    }

    private static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
