package ai.soul.bench;

import ai.soul.embedded.EmbeddedKafkaBroker;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM: the whole system ({@code java -jar local.jar}) or the Kafka broker on its own.
 * The benchmark and the fault tests drive it from outside, as a user's program would, and can
 * stop it (SIGTERM) or kill it ({@code kill -9}).
 */
final class SystemProcess implements AutoCloseable {

    private final String name;
    private final String address;
    private final Process process;
    private final long startedNanos;

    private SystemProcess(String name, String address, Process process) {
        this.name = name;
        this.address = address;
        this.process = process;
        this.startedNanos = System.nanoTime();
    }

    /**
     * The benchmark measures the system, not its rate limits: its accounts get a tier whose limits it
     * never reaches, and so do its calls without an account (the limits stay on: they are part of what is measured).
     */
    static final Map<String, String> UNTHROTTLED = Map.of(
            "SOUL_DEFAULT_TIER", "enterprise",
            "SOUL_ENTERPRISE_PER_MINUTE", "1000000000",
            "SOUL_ENTERPRISE_PER_HOUR", "1000000000",
            "SOUL_ENTERPRISE_PER_DAY", "1000000000",
            "SOUL_PUBLIC_PER_MINUTE", "1000000000",
            "SOUL_PUBLIC_PER_HOUR", "1000000000",
            "SOUL_PUBLIC_PER_DAY", "1000000000");

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** {@code java -jar local.jar} on {@code dataDir}, listening on {@code port}; its output goes to {@code log}. */
    static SystemProcess startSystem(Path jar, Path dataDir, int port, Map<String, String> env, List<String> jvmOptions, Path log) {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--management.endpoints.web.exposure.include=health,projections"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("DATA_DIR", dataDir.toString());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().putAll(UNTHROTTLED);
        builder.environment().putAll(env);
        return start("system", builder, log);
    }

    /**
     * The embedded Kafka broker as its own process, on {@code dir}, its clients' password in
     * {@code passwordFile}; returns once it printed READY.
     */
    static SystemProcess startBroker(Path jar, Path dir, Path passwordFile, Path log) {
        ProcessBuilder builder = new ProcessBuilder(java().toString(), "-Xmx512m", "-cp", jar.toString(),
                "-Dloader.main=ai.soul.embedded.EmbeddedKafkaBroker", "org.springframework.boot.loader.launch.PropertiesLauncher",
                dir.toString(), passwordFile.toString());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE);
        try {
            Process process = builder.start();
            // its log lines share stdout with the READY line: copy everything to the log, keep draining
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread drain = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                     BufferedWriter file = Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("READY ")) ready.complete(line.substring(6).trim());
                        file.write(line);
                        file.newLine();
                        file.flush();
                    }
                } catch (IOException e) {
                    // the process is gone
                }
                ready.completeExceptionally(new IllegalStateException("broker exited before it was ready (see " + log + ")"));
            }, "broker-output");
            drain.setDaemon(true);
            drain.start();
            try {
                return new SystemProcess("broker", ready.get(2, TimeUnit.MINUTES), process);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new IllegalStateException("broker did not start (see " + log + ")", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment that points the system at a broker of {@link #startBroker}: its address and its login. */
    static Map<String, String> brokerEnvironment(String bootstrap, Path passwordFile) {
        try {
            String password = Files.readString(passwordFile).strip();
            return Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                    "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                            + EmbeddedKafkaBroker.USER + "\" password=\"" + password + "\";");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SystemProcess start(String name, ProcessBuilder builder, Path log) {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return new SystemProcess(name, null, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code GET /v1/health} answers 200; returns how long the start took. */
    Duration awaitHealthy(String baseUrl, Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS); // returns early only if it died
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " not healthy after " + timeout);
    }

    /** What the process printed after READY (the broker's bootstrap address). */
    String address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    /** {@code kill -9}. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM and wait for a clean stop. */
    void stop() {
        process.destroy();
        waitFor();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) stop();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
