package ai.soul.domain.export;

import ai.soul.domain.account.AccountCommands.ReserveStorage;
import ai.soul.domain.account.PasswordHasher;
import ai.soul.domain.account.TierCatalogue;
import ai.soul.domain.export.ExportCommands.DeleteExport;
import ai.soul.domain.export.ExportCommands.RequestExport;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ExportStorageReleased;
import ai.soul.schemas.account.ExportStorageReserved;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportFailed;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The render process against the real aggregates (export, export queue, account) on an in-memory
 * event store: what it records, reserves and deletes in each outcome. The renderer port is a stand-in
 * that "stores" files by name; the renderers run each render at once on the calling thread.
 */
class ExportEffectTest {

    static final String ACCOUNT = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String EXPORT = "exp_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final long QUOTA = 1000;

    /** Files "stored" by the stand-in renderer; deleted ones leave. */
    final List<String> stored = new ArrayList<>();
    final List<Runnable> handedOver = new ArrayList<>();
    long nextSize = 100;
    int renders;
    RuntimeException renderFailure;
    boolean stopping;
    Runnable duringRender = () -> { };

    private Configuration axon;
    private CommandGateway commands;
    private EventStore events;
    private ExportEffect effect;

    final ExportRenderer renderer = new ExportRenderer() {
        @Override
        public Rendered render(Request request, IntConsumer progress) {
            renders++;
            progress.accept(50);
            duringRender.run();
            if (renderFailure != null) {
                throw renderFailure;
            }
            String file = "file-" + renders;
            stored.add(file);
            return new Rendered(file, request.exportId() + ".csv", "text/csv", nextSize, 2);
        }

        @Override
        public void delete(String fileId) {
            stored.remove(fileId);
        }

        @Override
        public void deleteOthers(String exportId, String keptFileId) {
            stored.removeIf(f -> !f.equals(keptFileId));
        }
    };

    final ExportEffect.Renderers renderers = new ExportEffect.Renderers() {
        @Override
        public void submit(String accountId, String exportId, Runnable render) {
            handedOver.add(render);
        }

        @Override
        public boolean stopping() {
            return stopping;
        }
    };

    @BeforeEach
    void start() throws ClassNotFoundException {
        axon = DefaultConfigurer.defaultConfiguration()
                .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
                .registerComponent(PasswordHasher.class, c -> new PasswordHasher() {
                    @Override
                    public String hash(String password) {
                        return password;
                    }

                    @Override
                    public boolean matches(String password, String hash) {
                        return password.equals(hash);
                    }
                })
                .registerComponent(TierCatalogue.class, c -> tier -> true)
                .configureAggregate(Export.class)
                .configureAggregate(ExportQueue.class)
                .configureAggregate(Class.forName("ai.soul.domain.account.Account"))
                .buildConfiguration();
        axon.start();
        commands = axon.commandGateway();
        events = axon.eventStore();
        events.publish(new GenericDomainEventMessage<>("Account", ACCOUNT, 0,
                new AccountRegistered(ACCOUNT, "ada@example.com", "hash", null, null, "free")));
        effect = new ExportEffect(commands, renderer, renderers, Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC),
                Duration.ofDays(7), QUOTA);
        commands.sendAndWait(new RequestExport(EXPORT, ACCOUNT, "csv", null, null, false, 5));
    }

    @AfterEach
    void stop() {
        axon.shutdown();
    }

    void renderNow() {
        effect.enqueue(new ExportRenderer.Request(EXPORT, ACCOUNT, "csv", null, null, false));
        handedOver.remove(handedOver.size() - 1).run();
    }

    List<Object> history(String aggregate) {
        return events.readEvents(aggregate).asStream().map(m -> (Object) m.getPayload()).toList();
    }

    @Test
    void aRenderReservesTheFilesBytesThenCompletes() {
        renderNow();
        assertThat(history(EXPORT)).last().isEqualTo(new ExportCompleted(EXPORT, ACCOUNT, "file-1", EXPORT + ".csv", "text/csv", 100, 2,
                "2024-01-08T00:00:00Z"));
        assertThat(history(ACCOUNT)).contains(new ExportStorageReserved(ACCOUNT, EXPORT, "file-1", 100));
        assertThat(stored).containsExactly("file-1");
    }

    /** Finding 6 of issue 10: an export counts against the quota, and one that does not fit fails saying so. */
    @Test
    void aFileThatDoesNotFitTheQuotaFailsTheExportWithTheFiguresAndIsDeleted() {
        commands.sendAndWait(new ReserveStorage(ACCOUNT, "att_01JAAAAAAAAAAAAAAAAAAAAAAA", 950, QUOTA));
        renderNow();
        assertThat(history(EXPORT)).last().isEqualTo(new ExportFailed(EXPORT, ACCOUNT,
                "Storage quota exceeded: the file is 100 bytes and 950 of the account's 1000 bytes are in use;"
                        + " delete exports or attachments to make room"));
        assertThat(history(ACCOUNT)).noneMatch(e -> e instanceof ExportStorageReserved);
        assertThat(stored).isEmpty();
    }

    @Test
    void aRenderThatFinishesAfterItsExportWasDeletedGivesBackItsFileAndItsBytes() {
        duringRender = () -> commands.sendAndWait(new DeleteExport(EXPORT, ACCOUNT));
        renderNow();
        assertThat(history(ACCOUNT)).containsSubsequence(new ExportStorageReserved(ACCOUNT, EXPORT, "file-1", 100),
                new ExportStorageReleased(ACCOUNT, EXPORT, "file-1", 100));
        assertThat(history(EXPORT)).noneMatch(e -> e instanceof ExportCompleted);
        assertThat(stored).isEmpty();
    }

    @Test
    void anExportHandedOverAgainAfterItFinishedIsNotRenderedAgain() {
        renderNow();
        renderNow();
        assertThat(renders).isEqualTo(1);
        assertThat(stored).containsExactly("file-1");
    }

    @Test
    void aRendererFailureFailsTheExportButNotWhileTheRenderersStop() {
        renderFailure = new IllegalStateException("state should be: open");
        stopping = true;
        assertThatThrownBy(this::renderNow).isSameAs(renderFailure);
        assertThat(history(EXPORT)).noneMatch(e -> e instanceof ExportFailed);

        stopping = false;
        renderNow();
        assertThat(history(EXPORT)).last().isEqualTo(new ExportFailed(EXPORT, ACCOUNT, "Failed: IllegalStateException"));
    }
}
