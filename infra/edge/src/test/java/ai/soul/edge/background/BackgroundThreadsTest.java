package ai.soul.edge.background;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BackgroundThreadsTest {

    private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

    /** The nice value of the calling thread: field 19 of its stat line, counted after the command's closing parenthesis. */
    private static int niceOfThisThread() throws Exception {
        String stat = Files.readString(THREAD_STAT);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    @Test
    void aBackgroundThreadRunsAtALowerPriorityAndTheOthersKeepTheirs() throws Exception {
        assumeTrue(Files.exists(THREAD_STAT), "Linux only");
        int before = niceOfThisThread();
        CompletableFuture<Integer> inside = new CompletableFuture<>();
        Thread thread = BackgroundThreads.named("test-background").newThread(() -> {
            try {
                inside.complete(niceOfThisThread());
            } catch (Exception e) {
                inside.completeExceptionally(e);
            }
        });
        thread.start();

        assertThat(thread.getName()).isEqualTo("test-background-0");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(inside.get(10, TimeUnit.SECONDS)).isEqualTo(Math.max(before, BackgroundThreads.NICE));
        assertThat(niceOfThisThread()).isEqualTo(before);
    }
}
