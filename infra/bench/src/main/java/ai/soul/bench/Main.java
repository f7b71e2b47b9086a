package ai.soul.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code bench [--quick] [--history N]} (./bench.sh) or {@code faults [crash|outage]} (./faults.sh).
 * The repository root is the working directory; scratch data goes under {@code target/}.
 */
public final class Main {

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        Path repo = Path.of("").toAbsolutePath();
        String command = arguments.isEmpty() ? "bench" : arguments.get(0);
        boolean quick = arguments.contains("--quick");
        Path target = repo.resolve("infra/bench/target");
        deleteEarlierRuns(target, command);
        Path work = Files.createDirectories(target.resolve(command + "-" + System.currentTimeMillis()));
        switch (command) {
            case "bench" -> {
                long history = option(arguments, "--history", quick ? 20_000 : 1_000_000);
                Bench.Plan plan = quick ? Bench.Plan.quick(history) : Bench.Plan.full(history);
                new Bench(plan, repo, work, repo.resolve("bench/results")).run();
            }
            case "faults" -> {
                String which = arguments.size() > 1 && !arguments.get(1).startsWith("--") ? arguments.get(1) : "all";
                int failures = new Faults(repo, work, quick).run(which);
                System.exit(failures == 0 ? 0 : 1);
            }
            default -> {
                System.err.println("usage: bench [--quick] [--history N] | faults [crash|outage|noisy|all]");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    /**
     * A default run leaves 10 GB or more of data behind (the store, the broker's log, the read models):
     * only the latest run's is kept, for a look after it, or a few runs fill the disk.
     */
    private static void deleteEarlierRuns(Path target, String command) throws IOException {
        if (!Files.isDirectory(target)) {
            return;
        }
        try (Stream<Path> runs = Files.list(target)) {
            for (Path run : runs.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches(command + "-\\d+")).toList()) {
                try (Stream<Path> files = Files.walk(run)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    private static long option(List<String> arguments, String name, long fallback) {
        int i = arguments.indexOf(name);
        return i >= 0 && i + 1 < arguments.size() ? Long.parseLong(arguments.get(i + 1).replace("_", "").replace(",", "")) : fallback;
    }
}
