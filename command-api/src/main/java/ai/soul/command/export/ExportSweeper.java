package ai.soul.command.export;

import ai.soul.domain.Conflict;
import ai.soul.domain.export.ExportCommands.ExpireExport;
import ai.soul.domain.export.ExportCommands.FailExport;
import ai.soul.projections.export.Exports;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code soul.exports.sweep-interval}: expires the completed exports whose expiry has come
 * (the effect then deletes their files), and fails the ones still processing after
 * {@code soul.exports.max-processing}, so a render lost for good never stays processing. It reads
 * the export read model to find them; the aggregate decides, so a stale read or two instances
 * sweeping at once change nothing twice.
 */
@Component
class ExportSweeper implements SmartLifecycle {

    private static final System.Logger log = System.getLogger(ExportSweeper.class.getName());
    private static final int BATCH = 100;

    private final Exports exports;
    private final CommandGateway commands;
    private final Duration interval;
    private final Duration maxProcessing;
    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService timer;

    ExportSweeper(Exports exports, CommandGateway commands, @Value("${soul.exports.sweep-interval:1m}") Duration interval,
                  @Value("${soul.exports.max-processing:30m}") Duration maxProcessing) {
        this.exports = exports;
        this.commands = commands;
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
        } catch (RuntimeException e) {
            // the next sweep tries again
            log.log(System.Logger.Level.WARNING, "Export sweep failed: {0}", e.toString());
        }
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
