package ai.soul.bench.baseline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A rate measured by count over elapsed time: a warm-up of a fifth of the duration (discarded), then
 * the work repeated until the duration is up, then the drain (what is still in flight must land
 * before the clock stops). One line on the log: the rate, the count, the time and a note, which is
 * asked for after the measurement (so it can report what was measured, e.g. sizes).
 */
final class Timed {

    @FunctionalInterface
    interface Work {
        /** Does one step of the work; answers how many units (events, documents, records) it did. */
        long step() throws Exception;
    }

    @FunctionalInterface
    interface Drain {
        void run() throws Exception;
    }

    private Timed() {
    }

    static double rate(String name, String unit, Duration each, Work work, Drain drain, Supplier<String> note, PrintStream log) throws Exception {
        return rate(name, unit, each, work, drain, () -> {
        }, note, log);
    }

    /** As above; {@code measuring} runs between the warm-up and the measurement (to reset counters). */
    static double rate(String name, String unit, Duration each, Work work, Drain drain, Runnable measuring,
                       Supplier<String> note, PrintStream log) throws Exception {
        long warmUpEnd = System.nanoTime() + each.toNanos() / 5;
        do {
            work.step();
        } while (System.nanoTime() < warmUpEnd);
        drain.run();
        measuring.run();

        long units = 0;
        long start = System.nanoTime();
        long end = start + each.toNanos();
        do {
            units += work.step();
        } while (System.nanoTime() < end);
        drain.run();
        long elapsed = System.nanoTime() - start;
        double rate = units * 1e9 / elapsed;
        log.printf(Locale.ROOT, "baseline %-18s %,10.0f %s/s  (%,d in %.2f s; %s)%n", name, rate, unit, units, elapsed / 1e9, note.get());
        return rate;
    }
}
