package ai.soul.embedded;

import java.util.concurrent.CountDownLatch;

/** Runs a service as its own process until SIGTERM or SIGINT, for tests that stop it on its own. */
final class Standalone {

    private Standalone() {
    }

    /**
     * Prints {@code READY <address>} as the only line on stdout, then blocks until the process is
     * asked to stop. On SIGTERM/SIGINT it closes the service and exits with 0: the JVM's default
     * handling would run the hooks too but exit with 143, which callers would read as a failure.
     */
    static void runUntilTerminated(AutoCloseable service, String address) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            try {
                service.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        };
        // The hook covers System.exit elsewhere and JVMs started with -Xrs (no signal handlers).
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "embedded-shutdown"));
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                    stop.run();
                    System.exit(0);
                });
            } catch (IllegalArgumentException unavailable) {
                // keep the JVM's default: the shutdown hook still closes the service
            }
        }
        System.out.println("READY " + address);
        System.out.flush();
        stopped.await();
    }
}
