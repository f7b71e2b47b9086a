package ai.soul.bench;

import ai.soul.bench.baseline.BaselineFigures;
import ai.soul.bench.baseline.Baselines;
import ai.soul.bench.history.HistoryLoader;
import ai.soul.bench.history.LoadedHistory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./bench.sh}: baselines of the bare infrastructure, then the system started on a fresh
 * data directory in its own JVM and driven over HTTP from this one (P1–P5), then a table on
 * stdout, {@code latest.json} and a chart of lag against offered load.
 */
final class Bench {

    /** Durations and sizes of one run: the default one (≈ 12 min) or {@code --quick} (≈ 2 min, for CI). */
    record Plan(String name, Duration baselineEach, Duration warmup, Duration p1, double[] curve, Duration step,
                long history, Duration p5Step, int readerConversations) {
        static Plan full(long history) {
            return new Plan("default", Duration.ofSeconds(8), Duration.ofSeconds(20), Duration.ofSeconds(30),
                    new double[]{0.1, 0.25, 0.5, 0.75, 0.9}, Duration.ofSeconds(20), history, Duration.ofSeconds(20), 200);
        }

        static Plan quick(long history) {
            return new Plan("quick", Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(5),
                    new double[]{0.25, 0.5, 0.75}, Duration.ofSeconds(4), history, Duration.ofSeconds(4), 20);
        }
    }

    private static final int WRITERS = 8;
    private static final int READERS = 2;
    private static final int CONCURRENCY = 32;
    private static final double P2_FRACTION = 0.5;
    /** P4-search: accounts that own a share of the preloaded history each, and the rate of their queries */
    private static final int SEARCHERS = 4;
    private static final double SEARCH_PER_S = 20;

    private final Plan plan;
    private final Path repo;
    private final Path work;
    private final Path out;
    private final PrintStream log = System.out;

    Bench(Plan plan, Path repo, Path work, Path out) {
        this.plan = plan;
        this.repo = repo;
        this.work = work;
        this.out = out;
    }

    void run() throws IOException {
        long began = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("plan", plan.name());
        result.put("started_at", Instant.now().toString());
        result.put("git_commit", System.getProperty("bench.commit", "unknown"));
        result.put("machine", Machine.describe());
        section("Baselines: the bare infrastructure, no framework, one thread (" + plan.baselineEach().toSeconds() + " s each)");
        BaselineFigures base = Baselines.run(SystemProcess.mkdirs(work.resolve("baselines")), plan.baselineEach(), log);

        Path data = SystemProcess.mkdirs(work.resolve("data"));
        Path jar = Path.of(System.getProperty("bench.system-jar", repo.resolve("infra/all-in-one/target/all-in-one-0.1.0-SNAPSHOT.jar").toString()));
        Path serverLog = work.resolve("system.log");
        int port = SystemProcess.freePort();
        Client client = new Client("http://127.0.0.1:" + port);
        Load load = new Load(client);
        List<String> jvm = jvmOptions();

        section("System: java -jar " + jar + " on a fresh data directory, port " + port);
        SystemProcess system = SystemProcess.startSystem(jar, data, port, Map.of(), jvm, serverLog);
        Duration startup = system.awaitHealthy(client.base(), Duration.ofMinutes(3));
        log.printf("ready in %.1f s (log: %s)%n", startup.toMillis() / 1000.0, serverLog);
        result.put("startup_ms", startup.toMillis());

        List<Client.Account> writers = accounts(client, "writer", WRITERS, 10);
        List<Client.Account> readers = accounts(client, "reader", READERS, plan.readerConversations());
        Load.Reads reads = new Load.Reads(readers, 25);

        section("Warm-up (" + plan.warmup().toSeconds() + " s, not measured)");
        load.saturate(writers, CONCURRENCY, plan.warmup());

        section("P1: writes/s at saturation (" + CONCURRENCY + " in flight, 1 create : 9 messages, " + plan.p1().toSeconds() + " s)");
        Load.Saturation p1 = load.saturate(writers, CONCURRENCY, plan.p1());
        log.printf("%,.0f writes/s (%d ok, %d errors), ack p50 %.1f ms p99 %.1f ms%n", p1.writesPerS(), p1.ok(), p1.errors(),
                Load.ms(p1.ack(), 50), Load.ms(p1.ack(), 99));

        section("P2 and the lag curve: open loop at fixed rates (fractions of P1), every write read back by its writer");
        List<Map<String, Object>> curve = new ArrayList<>();
        Load.OpenLoop p2 = null;
        for (double fraction : plan.curve()) {
            boolean isP2 = fraction == P2_FRACTION;
            Load.OpenLoop run = load.fixedRate(writers, Math.max(1, fraction * p1.writesPerS()), plan.step(), true, null, null);
            printOpenLoop((isP2 ? "P2 " : "   ") + String.format("%3.0f%% of P1", fraction * 100), run);
            curve.add(openLoopJson(run, fraction));
            if (isP2) p2 = run;
        }

        section("P4: list and get (" + (int) (2 * reads.perSecondEach()) + "/s, accounts that do not write) while P2's load runs");
        Load.OpenLoop p4 = load.fixedRate(writers, p2.offeredPerS(), plan.step(), true, reads, null);
        printOpenLoop("P4 (P2's load + reads)", p4);

        section("P3: rebuild every read model from the Kafka log (reset, replay)");
        JsonNode rebuild = rebuild(client);
        double p3 = rebuild.path("events_per_s").asDouble();
        log.printf("%,d events replayed in %.1f s: %,.0f events/s%n", rebuild.path("events_applied").asLong(),
                rebuild.path("events_applied").asLong() / Math.max(p3, 1e-9), p3);

        section("P5: the same again after preloading " + String.format("%,d", plan.history()) + " events of history");
        List<Client.Account> searchers = accounts(client, "searcher", SEARCHERS, 0);
        system.stop();
        LoadedHistory history = HistoryLoader.load(data, plan.history(), log, searchers.stream().map(a -> a.id).toList());
        system = SystemProcess.startSystem(jar, data, port, Map.of(), jvm, serverLog);
        Duration restart = system.awaitHealthy(client.base(), Duration.ofMinutes(5));
        long catchUpStart = System.nanoTime();
        awaitApplied(client, history.events(), Duration.ofMinutes(30));
        double catchUpS = (System.nanoTime() - catchUpStart) / 1e9;
        log.printf("restarted in %.1f s; the history reached the read models (published + projected) %.1f s later: %,.0f events/s%n",
                restart.toMillis() / 1000.0, catchUpS, history.events() / catchUpS);

        section("P4-search: " + (int) SEARCH_PER_S + " searches/s over " + String.format("%,d", history.conversations())
                + " conversations (" + SEARCHERS + " accounts owning ~" + history.conversations() / 100 + " each), " + plan.step().toSeconds() + " s");
        awaitSearchIndexed(client, history.events(), Duration.ofMinutes(30));
        SearchLoad.Result search = SearchLoad.run(client, searchers, SEARCH_PER_S, plan.step());
        log.printf("%,d searches: p50 %.1f ms p99 %.1f ms, %.0f hits per query on average, %d errors%n", search.queries(),
                Load.ms(search.latency(), 50), Load.ms(search.latency(), 99), search.meanTotal(), search.errors());
        load.saturate(writers, CONCURRENCY, plan.warmup());
        Load.Saturation p5p1 = load.saturate(writers, CONCURRENCY, plan.p5Step().multipliedBy(3).dividedBy(2));
        log.printf("P5 P1: %,.0f writes/s (%d errors)%n", p5p1.writesPerS(), p5p1.errors());
        Load.OpenLoop p5p2 = load.fixedRate(writers, p2.offeredPerS(), plan.p5Step(), true, null, null);
        printOpenLoop("P5 P2 (same rate as P2)", p5p2);
        system.stop();
        load.close();

        result.put("p1_writes_per_s", round(p1.writesPerS()));
        result.put("p1_errors", p1.errors());
        result.put("p1_ack_ms", percentiles(p1.ack()));
        result.put("p2_rate_per_s", round(p2.offeredPerS()));
        result.put("p2_achieved_per_s", round(p2.achievedPerS()));
        result.put("p2_lag_ms", percentiles(p2.lag()));
        result.put("p2_ack_ms", percentiles(p2.ack()));
        result.put("p2_errors", p2.errors());
        result.put("p3_rebuild_events_per_s", round(p3));
        result.put("p3_rebuild_events", rebuild.path("events_applied").asLong());
        result.put("p4_read_ms", percentiles(merged(p4.list(), p4.get())));
        result.put("p4_list_ms", percentiles(p4.list()));
        result.put("p4_get_ms", percentiles(p4.get()));
        result.put("p4_lag_ms", percentiles(p4.lag()));
        Map<String, Object> p4Search = new LinkedHashMap<>(percentiles(search.latency()));
        p4Search.put("conversations", history.conversations());
        p4Search.put("errors", search.errors());
        p4Search.put("mean_hits", round(search.meanTotal()));
        result.put("p4_search_ms", p4Search);
        Map<String, Object> p5 = new LinkedHashMap<>();
        p5.put("history_events", history.events());
        p5.put("history_load_s", round(history.took().toMillis() / 1000.0));
        p5.put("catch_up_events_per_s", round(history.events() / catchUpS));
        p5.put("p1_writes_per_s", round(p5p1.writesPerS()));
        p5.put("p2_rate_per_s", round(p5p2.offeredPerS()));
        p5.put("p2_lag_ms", percentiles(p5p2.lag()));
        p5.put("p2_errors", p5p2.errors());
        result.put("p5", p5);
        result.put("baseline_event_appends_per_s", round(base.eventAppendsPerS()));
        result.put("baseline_mongo_upserts_per_s", round(base.mongoUpsertsPerS()));
        result.put("baseline_mongo_bulk_docs_per_s", round(base.mongoBulkDocsPerS()));
        result.put("baseline_kafka_produce_per_s", round(base.kafkaProducePerS()));
        result.put("baseline_pipeline_per_s", round(base.pipelinePerS()));
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("p1_of_pipeline", ratio(p1.writesPerS(), base.pipelinePerS()));
        ratios.put("p1_of_event_appends", ratio(p1.writesPerS(), base.eventAppendsPerS()));
        ratios.put("p3_of_mongo_bulk", ratio(p3, base.mongoBulkDocsPerS()));
        ratios.put("p5_p1_of_p1", ratio(p5p1.writesPerS(), p1.writesPerS()));
        ratios.put("p5_p2_p99_of_p2_p99", ratio(Load.ms(p5p2.lag(), 99), Load.ms(p2.lag(), 99)));
        result.put("ratios", ratios);
        result.put("lag_curve", curve);
        result.put("took_s", Math.round((System.nanoTime() - began) / 1e9));

        Files.createDirectories(out);
        Client.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("latest.json").toFile(), result);
        Chart.lagAgainstLoad(curve, p1.writesPerS(), out.resolve("lag-vs-load.png"));
        printTable(result, base, p1, p2, p3, p4, search, p5p1, p5p2, history);
        log.printf("%nWritten: %s, %s (took %d s)%n", out.resolve("latest.json"), out.resolve("lag-vs-load.png"), result.get("took_s"));
    }

    /** Extra JVM options for the system, e.g. to profile it: BENCH_SYSTEM_JAVA_OPTS="-XX:StartFlightRecording=..." */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xms1g", "-Xmx4g"));
        String extra = System.getenv("BENCH_SYSTEM_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) options.addAll(List.of(extra.trim().split("\\s+")));
        return options;
    }

    private List<Client.Account> accounts(Client client, String kind, int count, int conversationsEach) {
        List<Client.Account> accounts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Client.Account account = client.register(kind + i + "-" + System.nanoTime() + "@bench.example");
            List<CompletableFuture<Client.Write>> created = new ArrayList<>();
            for (int c = 0; c < conversationsEach; c++) {
                created.add(client.createConversation(account));
                if (created.size() == 16) {
                    CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).join();
                    created.clear();
                }
            }
            CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).join();
            accounts.add(account);
        }
        return accounts;
    }

    private JsonNode status(Client client) {
        Client.Response r = client.sendNow("GET", "/actuator/projections", null, null);
        if (!r.ok()) throw new IllegalStateException("GET /actuator/projections: " + r.status() + " " + r.body());
        return r.json();
    }

    private JsonNode rebuild(Client client) {
        Client.Response started = client.sendNow("POST", "/actuator/projections", null, "{}");
        if (!started.ok()) throw new IllegalStateException("POST /actuator/projections: " + started.status() + " " + started.body());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode rebuild = status(client).path("rebuild");
            if (!rebuild.path("finished_at").isMissingNode() && !rebuild.path("finished_at").isNull()) {
                return rebuild;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("rebuild did not finish");
    }

    /** Until the search index has applied {@code events} records since the system started. */
    private void awaitSearchIndexed(Client client, long events, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Client.Response r = client.sendNow("GET", "/actuator/projections/search", null, null);
            if (!r.ok()) throw new IllegalStateException("GET /actuator/projections/search: " + r.status() + " " + r.body());
            if (r.json().path("events_applied").asLong() >= events) return;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new IllegalStateException("the history did not reach the search index in " + timeout);
    }

    private void awaitApplied(Client client, long events, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrint = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long applied = status(client).path("events_applied").asLong();
            if (applied >= events) return;
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(15)) {
                log.printf("  ... %,d of %,d events in the read models%n", applied, events);
                lastPrint = System.nanoTime();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new IllegalStateException("the history did not reach the read models in " + timeout);
    }

    private void printOpenLoop(String label, Load.OpenLoop run) {
        log.printf("%-24s offered %,7.0f/s achieved %,7.0f/s | ack p50 %6.1f p99 %7.1f ms | lag p50 %6.1f p90 %6.1f p99 %7.1f ms%s%s%n",
                label, run.offeredPerS(), run.achievedPerS(), Load.ms(run.ack(), 50), Load.ms(run.ack(), 99),
                Load.ms(run.lag(), 50), Load.ms(run.lag(), 90), Load.ms(run.lag(), 99),
                run.errors() > 0 ? " | errors " + run.errors() + " " + run.errorKinds() : "",
                run.list().getTotalCount() > 0 ? String.format(" | list p50 %.1f p99 %.1f, get p50 %.1f p99 %.1f ms",
                        Load.ms(run.list(), 50), Load.ms(run.list(), 99), Load.ms(run.get(), 50), Load.ms(run.get(), 99)) : "");
    }

    private static Map<String, Object> openLoopJson(Load.OpenLoop run, double fraction) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("fraction_of_p1", fraction);
        point.put("offered_per_s", round(run.offeredPerS()));
        point.put("achieved_per_s", round(run.achievedPerS()));
        point.put("ack_ms", percentiles(run.ack()));
        point.put("lag_ms", percentiles(run.lag()));
        point.put("errors", run.errors());
        return point;
    }

    private void printTable(Map<String, Object> result, BaselineFigures base, Load.Saturation p1, Load.OpenLoop p2, double p3,
                            Load.OpenLoop p4, SearchLoad.Result search, Load.Saturation p5p1, Load.OpenLoop p5p2,
                            LoadedHistory history) {
        section("Results (" + plan.name() + " run, commit " + result.get("git_commit") + ")");
        String row = "%-48s %14s  %s%n";
        log.printf(row, "figure", "value", "against its baseline");
        log.printf(row, "P1 writes/s at saturation", f(p1.writesPerS()),
                pct(p1.writesPerS(), base.pipelinePerS()) + " of the raw pipeline (" + f(base.pipelinePerS()) + "/s)");
        log.printf(row, "P2 lag ack→visible p50/p90/p99 ms", lag(p2.lag()), "at " + f(p2.offeredPerS()) + " writes/s (half of P1)");
        log.printf(row, "P3 rebuild events/s", f(p3), pct(p3, base.mongoBulkDocsPerS()) + " of MongoDB bulk insert ("
                + f(base.mongoBulkDocsPerS()) + " docs/s)");
        log.printf(row, "P4 list p50/p99 ms", String.format("%.1f / %.1f", Load.ms(p4.list(), 50), Load.ms(p4.list(), 99)), "during P2's load");
        log.printf(row, "P4 get p50/p99 ms", String.format("%.1f / %.1f", Load.ms(p4.get(), 50), Load.ms(p4.get(), 99)), "during P2's load");
        log.printf(row, "P4 lag p50/p90/p99 ms (P2 + reads)", lag(p4.lag()), "the writes' lag while those reads run");
        log.printf(row, "P4-search p50/p99 ms", String.format("%.1f / %.1f", Load.ms(search.latency(), 50), Load.ms(search.latency(), 99)),
                String.format("%,d conversations, %.0f searches/s, no writes", history.conversations(), SEARCH_PER_S));
        log.printf(row, "P5 P1 writes/s (" + f(history.events()) + " events of history)", f(p5p1.writesPerS()),
                pct(p5p1.writesPerS(), p1.writesPerS()) + " of P1");
        log.printf(row, "P5 P2 lag p50/p90/p99 ms", lag(p5p2.lag()), String.format("p99 %.2f× P2's", Load.ms(p5p2.lag(), 99) / Load.ms(p2.lag(), 99)));
        log.printf(row, "baseline: event store appends/s (1 per tx)", f(base.eventAppendsPerS()), "");
        log.printf(row, "baseline: MongoDB single upserts/s", f(base.mongoUpsertsPerS()), "");
        log.printf(row, "baseline: MongoDB bulk insert docs/s", f(base.mongoBulkDocsPerS()), "");
        log.printf(row, "baseline: Kafka produce records/s", f(base.kafkaProducePerS()), "");
        log.printf(row, "baseline: raw pipeline writes/s", f(base.pipelinePerS()), "append + produce + the projector, one loop");
    }

    private static String f(double value) {
        return String.format("%,.0f", value);
    }

    private static String pct(double value, double of) {
        return String.format("%.0f%%", 100 * value / of);
    }

    private static String lag(Histogram h) {
        return String.format("%.1f / %.1f / %.1f", Load.ms(h, 50), Load.ms(h, 90), Load.ms(h, 99));
    }

    private static Histogram merged(Histogram a, Histogram b) {
        Histogram all = Load.histogram();
        all.add(a);
        all.add(b);
        return all;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("p50", round(Load.ms(h, 50)));
        p.put("p90", round(Load.ms(h, 90)));
        p.put("p99", round(Load.ms(h, 99)));
        p.put("max", round(h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0));
        p.put("count", h.getTotalCount());
        return p;
    }

    static Object round(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : Math.round(value * 100) / 100.0;
    }

    private static Object ratio(double value, double of) {
        return round(value / of);
    }

    private void section(String title) {
        log.printf("%n== %s%n", title);
    }
}
