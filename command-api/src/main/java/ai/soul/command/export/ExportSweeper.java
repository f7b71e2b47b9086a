package ai.soul.command.export;

import ai.soul.domain.Conflict;
import ai.soul.domain.export.ExportCommands.ExpireExport;
import ai.soul.domain.export.ExportCommands.FailExport;
import ai.soul.domain.export.ExportEffect;
import ai.soul.domain.export.ExportRenderer;
import ai.soul.projections.export.ExportDocument;
import ai.soul.projections.export.Exports;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code soul.exports.sweep-interval}: expires the completed exports whose expiry has come
 * (the effect then deletes their files), fails the ones still processing after
 * {@code soul.exports.max-processing}, and hands the others still processing to the renderers again:
 * the renderers' queues live in memory, so a request handed over before a crash or a stop is
 * rendered after the restart. Only the instance that runs the export processor (it holds its token)
 * hands exports over. It reads the export read model to find them; the aggregate decides, so a stale
 * read or two instances sweeping at once change nothing twice, and a render of an export that
 * finished meanwhile does not start.
 */
@Component
class ExportSweeper implements SmartLifecycle {

    private static final System.Logger log = System.getLogger(ExportSweeper.class.getName());
    private static final int BATCH = 100;
    /** Exports still processing handed over per sweep; the accounts' queue bound keeps the real number small. */
    private static final int ADOPT = 1000;

    private final Exports exports;
    private final CommandGateway commands;
    private final ExportEffect effect;
    private final EventProcessingConfiguration processors;
    private final Duration interval;
    private final Duration maxProcessing;
    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService timer;

    ExportSweeper(Exports exports, CommandGateway commands, ExportEffect effect, EventProcessingConfiguration processors,
                  @Value("${soul.exports.sweep-interval:1m}") Duration interval,
                  @Value("${soul.exports.max-processing:30m}") Duration maxProcessing) {
        this.exports = exports;
        this.commands = commands;
        this.effect = effect;
        this.processors = processors;
        this.interval = interval;
        this.maxProcessing = maxProcessing;
    }

    void sweep() {
        try {
            for (String id : exports.expiredBy(clock.instant(), BATCH)) {
                send(new ExpireExport(id));
            }
            for (String id : exports.processingSince(clock.instant().minus(maxProcessing), BATCH)) {
                send(new FailExport(id, "Timed out: not finished within " + maxProcessing.toMinutes() + " minutes"));
            }
            if (rendersHere()) {
                for (ExportDocument d : exports.processing(ADOPT)) {
                    effect.enqueue(new ExportRenderer.Request(d.id(), d.accountId(), d.format(), day(d.dateFrom()), day(d.dateTo()),
                            d.includeAttachments()));
                }
            }
        } catch (RuntimeException e) {
            // the next sweep tries again
            log.log(System.Logger.Level.WARNING, "Export sweep failed: {0}", e.toString());
        }
    }

    /** Whether this instance's export processor holds its segment, so that one instance of several renders. */
    private boolean rendersHere() {
        return processors.eventProcessor(ExportEffect.GROUP, TrackingEventProcessor.class)
                .map(p -> !p.processingStatus().isEmpty()).orElse(false);
    }

    private static LocalDate day(String value) {
        return value == null ? null : LocalDate.parse(value);
    }

    private void send(Object command) {
        try {
            commands.sendAndWait(command);
        } catch (Conflict doneAlready) {
            // the read model was behind: the export was expired or finished meanwhile
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "export-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
        timer = null;
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
