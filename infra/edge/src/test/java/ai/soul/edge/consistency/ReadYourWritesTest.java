package ai.soul.edge.consistency;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReadYourWritesTest {

    private final ReadYourWrites ryw = new ReadYourWrites(Duration.ofSeconds(30));

    @Test
    void aReadWaitsForTheWritesAcknowledgedBeforeIt() {
        ryw.begin("conv_1", "acct").acknowledged(3);
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> ryw.awaitFor("acct"));

        ryw.applied("conv_1", 2);
        assertThat(read).isNotDone();
        ryw.applied("conv_1", 3);
        await().atMost(Duration.ofSeconds(5)).until(read::isDone);
    }

    @Test
    void writesAcknowledgedWhileAReadWaitsDoNotHoldItBack() {
        ryw.begin("conv_1", "acct").acknowledged(1);
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> ryw.awaitFor("acct"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ryw.isWaiting());

        ryw.begin("conv_1", "acct").acknowledged(2);   // the client had not seen this one when it read
        ryw.begin("conv_2", "acct").acknowledged(0);
        ryw.applied("conv_1", 1);

        await().atMost(Duration.ofSeconds(5)).until(read::isDone);
    }

    @Test
    void aWriteStillInFlightIsNotWaitedFor() {
        ryw.begin("conv_1", "acct"); // not acknowledged: the client has not seen it
        ryw.awaitFor("acct");        // returns at once
    }

    @Test
    void anotherReadersWritesAreNotWaitedFor() {
        ryw.begin("conv_1", "someone-else").acknowledged(5);
        ryw.awaitFor("acct");
    }

    @Test
    void aWriteIsWaitedForOnceItSucceedsWithTheSequenceItAnswers() {
        assertThat(ryw.write("conv_1", () -> 4L, (Long version) -> version, "acct")).isEqualTo(4L);
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> ryw.awaitFor("acct"));

        ryw.applied("conv_1", 3);
        assertThat(read).isNotDone();
        ryw.applied("conv_1", 4);
        await().atMost(Duration.ofSeconds(5)).until(read::isDone);
    }

    @Test
    void aWriteThatFailsThrowsAndHoldsNoReadBack() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ryw.write("conv_1", () -> {
            throw new IllegalStateException("refused");
        }, (Long version) -> version, "acct")).hasMessage("refused");
        ryw.awaitFor("acct"); // returns at once: nothing is awaited
        assertThat(ryw.isWaiting()).isFalse();
    }
}
