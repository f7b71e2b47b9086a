package ai.soul.embedded;

import java.util.concurrent.CountDownLatch;

/** Runs a service as its own process until it is told to stop, for tests that stop it on its own. */
final class Standalone {

    private Standalone() {
    }

    /**
     * Prints {@code READY <address>} as the only line on stdout, then blocks until the JVM shuts
     * down (SIGTERM, SIGINT), closing the service on the way out.
     */
    static void runUntilTerminated(AutoCloseable service, String address) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int status = 0;
            try {
                service.close();
            } catch (Exception e) {
                e.printStackTrace();
                status = 1;
            }
            stopped.countDown();
            System.err.flush();
            // A JVM stopped by SIGTERM exits with 143 even after a clean shutdown; a clean stop
            // should read as success to whoever started us, so end the process here, explicitly.
            Runtime.getRuntime().halt(status);
        }, "embedded-shutdown"));
        System.out.println("READY " + address);
        System.out.flush();
        stopped.await();
    }
}
