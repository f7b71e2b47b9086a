package ai.soul.allinone;

import org.springframework.boot.autoconfigure.SpringBootApplication;

import java.nio.file.Path;

/** {@code ./run.sh}: both apps and the embedded infrastructure in one JVM, data under {@code DATA_DIR}. */
@SpringBootApplication(scanBasePackages = {"ai.soul.command", "ai.soul.domain", "ai.soul.query"})
public class AllInOneApplication {

    public static void main(String[] args) {
        String dataDir = System.getenv().getOrDefault("DATA_DIR", "./data");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        long started = System.nanoTime();
        // one shutdown hook that stops the apps before the infrastructure they use
        AllInOneSystem system = AllInOneSystem.start(Path.of(dataDir), port, System.getenv(),
                concat(args, "--spring.main.register-shutdown-hook=false"));
        Runtime.getRuntime().addShutdownHook(new Thread(system::close, "all-in-one-shutdown"));
        System.out.printf("Soul backend ready on http://localhost:%d/v1 in %d ms (data in %s)%n",
                system.port(), (System.nanoTime() - started) / 1_000_000, Path.of(dataDir).toAbsolutePath());
    }

    private static String[] concat(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }
}
