package ai.soul.command.export;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The order renders start in, observed with real threads and latches: per-account first in first out, limits, turns. */
class FairRenderersTest {

    private final List<String> started = new CopyOnWriteArrayList<>();
    private FairRenderers renderers;

    @AfterEach
    void stop() {
        renderers.stop();
    }

    /** A render that records its start and waits for {@code gate}. */
    private Runnable render(String name, CountDownLatch gate) {
        return () -> {
            started.add(name);
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void awaitStarted(String... names) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(started).containsExactly(names));
    }

    /** Finding 6 of issue 10: three heavy exports of A, then B's; B's starts at the next free thread, A's wait for each other. */
    @Test
    void anotherAccountsExportStartsWhileAnAccountsOwnExportsWaitForEachOther() {
        renderers = new FairRenderers(2, 1);
        renderers.start();
        CountDownLatch a1 = new CountDownLatch(1);
        CountDownLatch a2 = new CountDownLatch(1);
        CountDownLatch rest = new CountDownLatch(1);
        renderers.submit("A", "a1", render("a1", a1));
        renderers.submit("A", "a2", render("a2", a2));
        renderers.submit("A", "a3", render("a3", rest));
        awaitStarted("a1");
        renderers.submit("B", "b1", render("b1", rest));
        awaitStarted("a1", "b1");
        a1.countDown();
        awaitStarted("a1", "b1", "a2");
        a2.countDown();
        awaitStarted("a1", "b1", "a2", "a3");
        rest.countDown();
    }

    @Test
    void theAccountsTakeTurnsOnASingleThread() {
        renderers = new FairRenderers(1, 1);
        renderers.start();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch open = new CountDownLatch(0);
        renderers.submit("X", "x", render("x", gate));
        awaitStarted("x");
        for (String id : List.of("a1", "a2", "a3")) renderers.submit("A", id, render(id, open));
        for (String id : List.of("b1", "b2")) renderers.submit("B", id, render(id, open));
        gate.countDown();
        awaitStarted("x", "a1", "b1", "a2", "b2", "a3");
    }

    @Test
    void anAccountRendersAsManyAtOnceAsItsLimitAllows() {
        renderers = new FairRenderers(3, 2);
        renderers.start();
        CountDownLatch gate = new CountDownLatch(1);
        for (String id : List.of("a1", "a2", "a3")) renderers.submit("A", id, render(id, gate));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(started).containsExactlyInAnyOrder("a1", "a2"));
        renderers.submit("B", "b1", render("b1", gate));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(started).containsExactlyInAnyOrder("a1", "a2", "b1"));
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(started).hasSize(4).endsWith("a3"));
    }

    @Test
    void anExportHandedOverTwiceIsRenderedOnceAndAgainOnlyAfterItFinished() {
        renderers = new FairRenderers(2, 1);
        renderers.start();
        CountDownLatch gate = new CountDownLatch(1);
        renderers.submit("A", "a1", render("a1", gate));
        renderers.submit("A", "a1", render("a1 again", gate));
        awaitStarted("a1");
        gate.countDown();
        CountDownLatch open = new CountDownLatch(0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            renderers.submit("A", "a1", render("a1 later", open));
            assertThat(started).contains("a1 later");
        });
        assertThat(started).doesNotContain("a1 again");
    }

    @Test
    void aFailingRenderFreesItsPlace() {
        renderers = new FairRenderers(1, 1);
        renderers.start();
        renderers.submit("A", "a1", () -> {
            started.add("a1");
            throw new IllegalStateException("boom");
        });
        renderers.submit("A", "a2", render("a2", new CountDownLatch(0)));
        awaitStarted("a1", "a2");
        assertThat(renderers.stopping()).isFalse();
        renderers.stop();
        assertThat(renderers.stopping()).isTrue();
        renderers.start();
    }
}
