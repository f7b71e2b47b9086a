package ai.soul.domain.export;

import ai.soul.domain.Conflict;
import ai.soul.domain.account.AccountCommands.ReleaseExportStorage;
import ai.soul.domain.account.AccountCommands.ReserveExportStorage;
import ai.soul.domain.account.StorageQuotaExceeded;
import ai.soul.domain.export.ExportCommands.CheckProcessing;
import ai.soul.domain.export.ExportCommands.CompleteExport;
import ai.soul.domain.export.ExportCommands.DequeueExport;
import ai.soul.domain.export.ExportCommands.FailExport;
import ai.soul.domain.export.ExportCommands.RecordExportProgress;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportDeleted;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportFailed;
import ai.soul.schemas.export.ExportRequested;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.modelling.command.AggregateNotFoundException;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * The process that writes exports. Its event handlers are quick: a request is handed to the
 * {@link Renderers} (per-account queues, several threads), and an export that finished gives its
 * place in the account's queue and its storage back and loses its files. A render: the export is
 * still processing → the renderer port writes and stores the file → the account reserves the file's
 * bytes in its storage quota → CompleteExport; FailExport when the renderer throws or the file does not
 * fit. Progress goes to the aggregate at most every 10 points.
 * <p>
 * A request handed over and then lost (a crash, a stop) is still processing in the read model: the
 * sweeper hands it over again ({@link #enqueue}), and fails it once it is too old. A render that
 * finishes after its export finished anyway (a second render, the sweeper's timeout, a deletion) is
 * refused by the aggregate; its file and its reservation are given back here, so only the recorded
 * file stays stored and counted.
 */
@ProcessingGroup(ExportEffect.GROUP)
public class ExportEffect {

    public static final String GROUP = "exports";
    static final int STEP = 10;
    private static final System.Logger log = System.getLogger(ExportEffect.class.getName());

    /** Where exports wait for a renderer thread. */
    public interface Renderers {
        /** Queues the render of an account's export, unless that export is queued or rendering already. */
        void submit(String accountId, String exportId, Runnable render);

        /** True once the renderers stop: a render failing then failed because of the stop, not because of the export. */
        boolean stopping();
    }

    private final CommandGateway commands;
    private final ExportRenderer renderer;
    private final Renderers renderers;
    private final Clock clock;
    private final Duration ttl;
    private final long quotaBytes;

    /** {@code quotaBytes}: the account's storage quota, which its attachments and exports share. */
    public ExportEffect(CommandGateway commands, ExportRenderer renderer, Renderers renderers, Clock clock, Duration ttl,
                        long quotaBytes) {
        this.commands = commands;
        this.renderer = renderer;
        this.renderers = renderers;
        this.clock = clock;
        this.ttl = ttl;
        this.quotaBytes = quotaBytes;
    }

    @EventHandler
    void on(ExportRequested e) {
        enqueue(new ExportRenderer.Request(e.exportId(), e.accountId(), e.format(),
                e.dateFrom() == null ? null : LocalDate.parse(e.dateFrom()),
                e.dateTo() == null ? null : LocalDate.parse(e.dateTo()), e.includeAttachments()));
    }

    /** Hands an export to the renderers: when it is requested, and again when the sweeper finds it still processing. */
    public void enqueue(ExportRenderer.Request request) {
        renderers.submit(request.accountId(), request.exportId(), () -> render(request));
    }

    void render(ExportRenderer.Request r) {
        try {
            commands.sendAndWait(new CheckProcessing(r.exportId()));
        } catch (Conflict | AggregateNotFoundException finished) {
            return; // handed over twice, or finished or deleted meanwhile
        }
        ExportRenderer.Rendered rendered;
        try {
            rendered = renderer.render(r, new Progress(r.exportId()));
        } catch (RuntimeException failure) {
            if (renderers.stopping()) {
                throw failure; // still processing: handed over again after the restart
            }
            log.log(System.Logger.Level.WARNING, "Export {0} failed: {1}", r.exportId(), failure.toString());
            finish(new FailExport(r.exportId(), "Failed: " + failure.getClass().getSimpleName()));
            return;
        }
        boolean recorded = false;
        try {
            commands.sendAndWait(new ReserveExportStorage(r.accountId(), r.exportId(), rendered.fileId(), rendered.sizeBytes(),
                    quotaBytes));
            recorded = finish(new CompleteExport(r.exportId(), rendered.fileId(), rendered.fileName(), rendered.contentType(),
                    rendered.sizeBytes(), rendered.conversations(), clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(ttl)));
            if (!recorded) {
                commands.sendAndWait(new ReleaseExportStorage(r.accountId(), r.exportId(), rendered.fileId()));
            }
        } catch (StorageQuotaExceeded full) {
            finish(new FailExport(r.exportId(), "Storage quota exceeded: the file is " + full.fileBytes() + " bytes and "
                    + full.usedBytes() + " of the account's " + full.limitBytes()
                    + " bytes are in use; delete exports or attachments to make room"));
        } finally {
            if (!recorded) {
                renderer.delete(rendered.fileId());
            }
        }
    }

    /** Files of earlier renders of this export, if a crash left any, go; the recorded one stays. */
    @EventHandler
    void on(ExportCompleted e) {
        dequeue(e.accountId(), e.exportId());
        renderer.deleteOthers(e.exportId(), e.fileId());
    }

    @EventHandler
    void on(ExportFailed e) {
        dequeue(e.accountId(), e.exportId());
        release(e.accountId(), e.exportId());
        renderer.deleteOthers(e.exportId(), null);
    }

    /** An expired export's file goes and its bytes count no more; repeated on redelivery, which is harmless. */
    @EventHandler
    void on(ExportExpired e) {
        release(e.accountId(), e.exportId());
        renderer.deleteOthers(e.exportId(), null);
    }

    @EventHandler
    void on(ExportDeleted e) {
        dequeue(e.accountId(), e.exportId());
        release(e.accountId(), e.exportId());
        renderer.deleteOthers(e.exportId(), null);
    }

    /** An export requested before the queues existed has no queue: nothing to give back. */
    private void dequeue(String accountId, String exportId) {
        try {
            commands.sendAndWait(new DequeueExport(accountId, exportId));
        } catch (AggregateNotFoundException noQueue) {
            // requested before this version
        }
    }

    private void release(String accountId, String exportId) {
        try {
            commands.sendAndWait(new ReleaseExportStorage(accountId, exportId, null));
        } catch (AggregateNotFoundException noAccount) {
            // nothing was reserved for an account that does not exist
        }
    }

    /** Whether the command finished the export; false when it had finished already. */
    private boolean finish(Object command) {
        try {
            commands.sendAndWait(command);
            return true;
        } catch (Conflict finishedAlready) {
            return false;
        }
    }

    /** Sends the percent reached whenever it passes the next multiple of {@link #STEP}; 100 is the completion's. */
    private final class Progress implements java.util.function.IntConsumer {
        private final String exportId;
        private int sent;

        Progress(String exportId) {
            this.exportId = exportId;
        }

        @Override
        public void accept(int percent) {
            int step = Math.min(99, percent) / STEP * STEP;
            if (step > sent) {
                sent = step;
                try {
                    commands.sendAndWait(new RecordExportProgress(exportId, step));
                } catch (Conflict behindOrFinished) {
                    // a redelivered render repeats steps already recorded; the aggregate keeps the highest
                }
            }
        }
    }
}
