package ai.soul.domain.export;

import ai.soul.domain.Conflict;
import ai.soul.domain.export.ExportCommands.CompleteExport;
import ai.soul.domain.export.ExportCommands.FailExport;
import ai.soul.domain.export.ExportCommands.RecordExportProgress;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportRequested;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;

/**
 * The process that writes exports: ExportRequested → the renderer port → CompleteExport, or
 * FailExport when the renderer throws. Progress goes to the aggregate at most every 10 points.
 * <p>
 * A crash mid-render leaves the event unacknowledged: the tracking processor hands it over again
 * after the restart (or to another instance once the token claim times out) and the render starts
 * over. Should that never happen, the sweeper fails exports that stayed processing too long. A render
 * that finishes after its export finished anyway (redelivery, or the sweeper's timeout) is refused
 * by the aggregate, and its file is deleted here, so only the recorded file stays stored.
 */
@ProcessingGroup(ExportEffect.GROUP)
public class ExportEffect {

    public static final String GROUP = "exports";
    static final int STEP = 10;
    private static final System.Logger log = System.getLogger(ExportEffect.class.getName());

    private final CommandGateway commands;
    private final ExportRenderer renderer;
    private final Clock clock;
    private final Duration ttl;

    public ExportEffect(CommandGateway commands, ExportRenderer renderer, Clock clock, Duration ttl) {
        this.commands = commands;
        this.renderer = renderer;
        this.clock = clock;
        this.ttl = ttl;
    }

    @EventHandler
    void on(ExportRequested e) {
        ExportRenderer.Rendered rendered;
        try {
            var request = new ExportRenderer.Request(e.exportId(), e.accountId(), e.format(),
                    e.dateFrom() == null ? null : LocalDate.parse(e.dateFrom()),
                    e.dateTo() == null ? null : LocalDate.parse(e.dateTo()), e.includeAttachments());
            rendered = renderer.render(request, new Progress(e.exportId()));
        } catch (RuntimeException failure) {
            log.log(System.Logger.Level.WARNING, "Export {0} failed: {1}", e.exportId(), failure.toString());
            finish(new FailExport(e.exportId(), "Failed: " + failure.getClass().getSimpleName()));
            return;
        }
        if (!finish(new CompleteExport(e.exportId(), rendered.fileId(), rendered.fileName(), rendered.contentType(),
                rendered.sizeBytes(), rendered.conversations(), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).plus(ttl)))) {
            renderer.delete(rendered.fileId());
        }
    }

    /** An expired export's file goes; repeated on redelivery, which is harmless. */
    @EventHandler
    void on(ExportExpired e) {
        renderer.delete(e.fileId());
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
