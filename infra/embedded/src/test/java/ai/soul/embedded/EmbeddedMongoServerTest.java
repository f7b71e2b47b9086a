package ai.soul.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void documentsSurviveARestartOnTheSamePort(@TempDir Path dir) {
        String firstAddress;
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dir);
             MongoClient client = MongoClients.create(server.connectionString())) {
            firstAddress = server.connectionString();
            assertThat(firstAddress).startsWith("mongodb://127.0.0.1:");
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
            assertThat(ready).startsWith("READY mongodb://127.0.0.1:");
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

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
