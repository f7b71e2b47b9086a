package ai.soul.command;

import ai.soul.edge.consistency.ReadYourWrites;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * {@code Prefer: wait} against Axon's real embedded event store (in memory): a wait ends when its
 * event is appended, here or by another instance on the same storage, finds an outcome appended
 * before it started, ends empty at its limit, and over the cap of waiters is declined at once.
 */
class PreferWaitTest {

    record Posted(String id) {
    }

    record Replied(String to, String text) {
    }

    private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
    private final List<EmbeddedEventStore> stores = new ArrayList<>();
    private final ReadYourWrites readYourWrites = new ReadYourWrites(Duration.ofSeconds(30));
    private final EmbeddedEventStore here = store();
    private PreferWait waits;

    private EmbeddedEventStore store() {
        EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(storage).build();
        stores.add(store);
        return store;
    }

    private PreferWait started(Duration maxWait, int maxWaiters) {
        waits = new PreferWait(here, readYourWrites, maxWait, maxWaiters);
        waits.start();
        await().atMost(Duration.ofSeconds(5)).until(waits::tailing);
        return waits;
    }

    @AfterEach
    void stop() {
        if (waits != null) waits.stop();
        stores.forEach(EmbeddedEventStore::shutDown);
    }

    private static void append(EmbeddedEventStore store, String aggregateId, long sequence, Object payload) {
        store.publish(new GenericDomainEventMessage<>("Conversation", aggregateId, sequence, payload));
    }

    /** The reply to message {@code id}, as a controller maps it. */
    private static String replyTo(String id, DomainEventMessage<?> event) {
        return event.getPayload() instanceof Replied r && r.to().equals(id) ? r.text() : null;
    }

    private CompletableFuture<PreferWait.Waited<String>> waitFor(String prefer, String conversation, String message) {
        return CompletableFuture.supplyAsync(() -> waits.await(prefer, conversation, 0, "acct", e -> replyTo(message, e)));
    }

    @Test
    void theWaitEndsWhenItsEventIsAppended() throws Exception {
        started(Duration.ofSeconds(60), 10);
        append(here, "conv_1", 0, new Posted("msg_1"));
        var waited = waitFor("wait=30", "conv_1", "msg_1");
        await().atMost(Duration.ofSeconds(5)).until(() -> waits.waiting() == 1);

        append(here, "conv_2", 0, new Replied("msg_1", "another conversation's"));
        append(here, "conv_1", 1, new Replied("msg_0", "another message's"));
        append(here, "conv_1", 2, new Replied("msg_1", "the reply"));

        var answer = waited.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.outcome()).contains("the reply");
        assertThat(answer.headers().getFirst("Preference-Applied")).isEqualTo("wait=30");
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void anEventAppendedByAnotherInstanceEndsTheWait() throws Exception {
        EmbeddedEventStore there = store();
        started(Duration.ofSeconds(60), 10);
        append(there, "conv_1", 0, new Posted("msg_1"));
        var waited = waitFor("wait=30", "conv_1", "msg_1");
        await().atMost(Duration.ofSeconds(5)).until(() -> waits.waiting() == 1);

        append(there, "conv_1", 1, new Replied("msg_1", "written elsewhere"));

        assertThat(waited.get(10, java.util.concurrent.TimeUnit.SECONDS).outcome()).contains("written elsewhere");
    }

    @Test
    void anOutcomeAppendedBeforeTheWaitStartedIsFound() {
        started(Duration.ofSeconds(60), 10);
        append(here, "conv_1", 0, new Posted("msg_1"));
        append(here, "conv_1", 1, new Replied("msg_1", "quick"));

        var answer = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> waits.await("wait=30", "conv_1", 0, "acct", e -> replyTo("msg_1", e)));
        assertThat(answer.outcome()).contains("quick");
    }

    @Test
    void withoutItsEventTheWaitEndsAtItsLimitAndTheAnswerSaysItWaited() {
        started(Duration.ofSeconds(60), 10);
        append(here, "conv_1", 0, new Posted("msg_1"));

        var answer = waits.await("wait=1", "conv_1", 0, "acct", e -> replyTo("msg_1", e));
        assertThat(answer.outcome()).isEmpty();
        assertThat(answer.headers().getFirst("Preference-Applied")).isEqualTo("wait=1");
    }

    @Test
    void withoutAPreferenceNothingWaits() {
        started(Duration.ofSeconds(60), 10);
        for (String prefer : new String[]{null, "", "respond-async", "wait=", "wait=abc", "wait=-1", "waiting=5", "wait=1234567890"}) {
            var answer = assertTimeoutPreemptively(Duration.ofSeconds(1),
                    () -> waits.await(prefer, "conv_1", 0, "acct", e -> replyTo("msg_1", e)));
            assertThat(answer.outcome()).as(prefer).isEmpty();
            assertThat(answer.headers().containsHeader("Preference-Applied")).as(prefer).isFalse();
        }
    }

    @Test
    void theHeaderIsReadAmongOtherPreferencesAndCapped() {
        started(Duration.ofSeconds(60), 10);
        assertThat(waits.preferred("wait=10")).contains(Duration.ofSeconds(10));
        assertThat(waits.preferred("respond-async, wait=5")).contains(Duration.ofSeconds(5));
        assertThat(waits.preferred("return=minimal; wait = 7")).contains(Duration.ofSeconds(7));
        assertThat(waits.preferred("wait=100")).contains(Duration.ofSeconds(60));
    }

    @Test
    void overTheCapARequestIsAnsweredAtOnceWithoutWaiting() throws Exception {
        started(Duration.ofSeconds(60), 1);
        append(here, "conv_1", 0, new Posted("msg_1"));
        var first = waitFor("wait=30", "conv_1", "msg_1");
        await().atMost(Duration.ofSeconds(5)).until(() -> waits.waiting() == 1);

        var declined = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> waits.await("wait=30", "conv_1", 0, "acct", e -> replyTo("msg_1", e)));
        assertThat(declined.outcome()).isEmpty();
        assertThat(declined.headers().containsHeader("Preference-Applied")).isFalse();

        append(here, "conv_1", 1, new Replied("msg_1", "done"));
        assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).outcome()).contains("done");
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void stoppingAnswersTheWaitingRequestsAtOnce() throws Exception {
        started(Duration.ofSeconds(60), 10);
        var waited = waitFor("wait=60", "conv_1", "msg_1");
        await().atMost(Duration.ofSeconds(5)).until(() -> waits.waiting() == 1);

        waits.stop();

        assertThat(waited.get(5, java.util.concurrent.TimeUnit.SECONDS).outcome()).isEmpty();
    }

    /** The client has seen the reply: its next read waits until the read models have it too. */
    @Test
    void theCallersNextReadWaitsForTheOutcomeItWasGiven() throws Exception {
        started(Duration.ofSeconds(60), 10);
        append(here, "conv_1", 0, new Posted("msg_1"));
        append(here, "conv_1", 1, new Replied("msg_1", "seen"));
        assertThat(waits.await("wait=5", "conv_1", 0, "acct", e -> replyTo("msg_1", e)).outcome()).contains("seen");

        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> readYourWrites.awaitFor("acct"));
        readYourWrites.applied("conv_1", 0);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !read.isDone());
        readYourWrites.applied("conv_1", 1);
        read.get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
}
