package ai.soul.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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
        Path work = Files.createDirectories(repo.resolve("infra/bench/target/" + command + "-" + System.currentTimeMillis()));
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
                System.err.println("usage: bench [--quick] [--history N] | faults [crash|outage|all]");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    private static long option(List<String> arguments, String name, long fallback) {
        int i = arguments.indexOf(name);
        return i >= 0 && i + 1 < arguments.size() ? Long.parseLong(arguments.get(i + 1).replace("_", "").replace(",", "")) : fallback;
    }
}
