package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** The contract against the whole system in one JVM: embedded Kafka broker, embedded MongoDB-compatible server, H2 event store. */
class EmbeddedStackE2ETest extends ConversationApiContract {

    @TempDir
    static Path data;
    static AllInOneSystem system;
    static Api api;

    @BeforeAll
    static void start() {
        system = AllInOneSystem.start(data, 0, Map.of());
        api = new Api("http://localhost:" + system.port());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Override
    Api api() {
        return api;
    }
}
