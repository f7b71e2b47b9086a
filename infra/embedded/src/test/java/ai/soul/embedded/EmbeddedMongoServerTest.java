package ai.soul.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMongoServerTest {

    @Test
    void documentsSurviveARestartOnTheSameSocket(@TempDir Path dir) {
        String firstAddress;
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dir);
             MongoClient client = MongoClients.create(server.connectionString())) {
            firstAddress = server.connectionString();
            MongoCollection<Document> things = client.getDatabase("readmodels").getCollection("things");
            for (int i = 0; i < 3; i++) {
                things.insertOne(new Document("_id", "id-" + i).append("n", i));
            }
        }

        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dir);
             MongoClient client = MongoClients.create(server.connectionString())) {
            assertThat(server.connectionString()).isEqualTo(firstAddress);
            List<Document> found = client.getDatabase("readmodels").getCollection("things")
                    .find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
            assertThat(found).extracting(d -> d.getInteger("n")).containsExactly(0, 1, 2);
        }
    }

    /**
     * Finding 3 of issue 10: over loopback TCP any local user could connect and, for instance, insert
     * an API key of their choosing. Now the only way in is a Unix socket in an owner-only directory.
     */
    @Test
    void listensOnlyOnAUnixSocketOtherUsersCannotOpen(@TempDir Path dir) throws Exception {
        // the test's own directory is open to everyone: only what the server does protects its socket
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = dir.resolve("readmodels");
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(data)) {
            assertThat(server.connectionString()).startsWith("mongodb://%2F").endsWith(".sock");
            Path socket = Path.of(URLDecoder.decode(server.connectionString().substring("mongodb://".length()), StandardCharsets.UTF_8));
            assertThat(socket.getParent()).isEqualTo(data.toAbsolutePath());
            assertThat(Files.getPosixFilePermissions(socket)).containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.getPosixFilePermissions(data)).containsOnly(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
            assertThat(data.resolve("mongo-ports.properties")).as("no TCP port").doesNotExist();
            try (MongoClient owner = MongoClients.create(server.connectionString())) {
                owner.getDatabase("soul").getCollection("api_keys").insertOne(new Document("_id", "key"));
                assertThat(owner.getDatabase("soul").getCollection("api_keys").countDocuments()).isEqualTo(1);
            }

            assumeTrue(OtherUser.available(), "only root can try as another user");
            assertThat(OtherUser.connectAsOwner(socket)).isEqualTo("CONNECTED");
            assertThat(OtherUser.connect(socket)).startsWith("REFUSED").contains("Permission denied");
            // the probe does see a socket that is open to others
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertThat(OtherUser.connect(socket)).isEqualTo("CONNECTED");
        }
    }

    @Test
    void aDataDirectoryTooDeepForASocketGetsAPrivateSocketDirectoryOfItsOwn(@TempDir Path dir) {
        Path deep = dir.resolve("d".repeat(60)).resolve("e".repeat(60)); // a socket's path has at most 107 bytes
        Path socket;
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(deep);
             MongoClient client = MongoClients.create(server.connectionString())) {
            socket = Path.of(URLDecoder.decode(server.connectionString().substring("mongodb://".length()), StandardCharsets.UTF_8));
            assertThat(socket.startsWith(deep)).isFalse();
            assertThat(socket.toString().getBytes(StandardCharsets.UTF_8).length).isLessThan(100);
            assertThat(permissions(socket.getParent())).isEqualTo("rwx------");
            client.getDatabase("readmodels").getCollection("things").insertOne(new Document("_id", "x"));
        }
        assertThat(socket.getParent()).as("removed with the server").doesNotExist();
    }

    @Test
    void mainRunsTheServerAsItsOwnProcessAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("mongo.out");
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                EmbeddedMongoServer.class.getName(), dir.resolve("data").toString())
                .redirectOutput(stdout.toFile())
                .redirectError(dir.resolve("mongo.err").toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> read(stdout).contains(System.lineSeparator()) || !process.isAlive());
            String ready = read(stdout).strip();
            assertThat(ready).startsWith("READY mongodb://%2F");
            try (MongoClient client = MongoClients.create(ready.substring("READY ".length()))) {
                client.getDatabase("readmodels").getCollection("things").insertOne(new Document("_id", "x"));
            }

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited in time").isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(read(stdout)).isEqualTo(ready + System.lineSeparator());
        } finally {
            process.destroyForcibly();
        }

        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dir.resolve("data"));
             MongoClient client = MongoClients.create(server.connectionString())) {
            assertThat(client.getDatabase("readmodels").getCollection("things").countDocuments()).isEqualTo(1);
        }
    }

    private static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
