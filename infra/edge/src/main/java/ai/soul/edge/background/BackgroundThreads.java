package ai.soul.edge.background;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for work no request waits on (AI replies and summaries, export rendering, the search index,
 * the usage counters). On Linux each runs at nice {@value #NICE}: the scheduler then gives the request
 * threads the CPU first, so one account's heavy background work slows another account's requests little
 * while the CPU is scarce, and costs nothing while it is not. Java's own thread priorities do nothing on
 * Linux, hence the system call. Where it is refused or not Linux, the thread keeps its priority.
 */
public final class BackgroundThreads {

    /** CFS weight 110 against 1024 for nice 0: about a tenth of a core when requests want them all. */
    public static final int NICE = 10;

    private static final Logger log = LoggerFactory.getLogger(BackgroundThreads.class);
    private static final int PRIO_PROCESS = 0; // with a thread id, Linux applies it to that thread only
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final ThreadLocal<Boolean> lowered = ThreadLocal.withInitial(() -> false);
    private static volatile boolean unsupported;

    private BackgroundThreads() {
    }

    /** Threads named {@code name-0}, {@code name-1}, ..., each lowered as it starts; daemons. */
    public static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(() -> {
                lowerThisThread();
                task.run();
            }, name + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Lowers the calling thread's priority, once per thread; cheap to call again. */
    public static void lowerThisThread() {
        if (unsupported || lowered.get()) {
            return;
        }
        lowered.set(true);
        try {
            // "/proc/thread-self" links to "<pid>/task/<tid>"
            int tid = Integer.parseInt(Files.readSymbolicLink(THREAD_SELF).getFileName().toString());
            // never raise a thread of a process that was started nicer still
            if (Posix.INSTANCE.getpriority(PRIO_PROCESS, tid) < NICE && Posix.INSTANCE.setpriority(PRIO_PROCESS, tid, NICE) != 0) {
                throw new IllegalStateException("setpriority refused (errno " + Posix.INSTANCE.errno() + ")");
            }
        } catch (Exception | LinkageError e) {
            unsupported = true;
            log.info("Background threads keep the normal priority here: {}", e.toString());
        }
    }

    /** Loaded at the first use: the native library only where a thread is lowered. */
    private static final class Posix {
        static final POSIX INSTANCE = POSIXFactory.getNativePOSIX();
    }
}
