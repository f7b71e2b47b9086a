package ai.soul.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./faults.sh}: the system in its own JVM under load from this one, while we kill it or
 * its Kafka broker; afterwards every write the client saw acknowledged must be readable exactly
 * once. The client keeps a log of its acknowledged writes ({@code acked.log} in the work dir).
 */
final class Faults {

    /**
     * The rounds load the system at half the write rate it acknowledges at saturation on this
     * machine (measured first, at most 150/s): a fault round checks what a fault does to a system
     * that keeps up, not how an overloaded one queues (the benchmark measures that). Above its
     * capacity, writes time out whether the broker is there or not.
     */
    private static final double MAX_RATE = 150;

    private final Path repo;
    private final Path work;
    private final boolean quick;
    private final PrintStream log = System.out;
    private final long seed = Long.getLong("faults.seed", System.currentTimeMillis());
    private final Random random = new Random(seed);

    Faults(Path repo, Path work, boolean quick) {
        this.repo = repo;
        this.work = work;
        this.quick = quick;
    }

    /** @return the number of checks that failed */
    int run(String which) throws IOException {
        log.printf("fault tests: %s (seed %d; replay with -Dfaults.seed=%d), work dir %s%n", which, seed, seed, work);
        int failures = 0;
        if (which.startsWith("all") || which.equals("crash")) failures += crash(quick ? 2 : 5);
        if (which.startsWith("all") || which.equals("outage")) failures += outage(quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30));
        if (which.startsWith("all") || which.equals("noisy")) failures += noisy(quick ? Duration.ofSeconds(20) : Duration.ofSeconds(60));
        log.printf("%n%s%n", failures == 0 ? "ALL FAULT CHECKS PASSED" : failures + " FAULT CHECK(S) FAILED");
        return failures;
    }

    private Path jar() {
        return repo.resolve("infra/all-in-one/target/all-in-one-0.1.0-SNAPSHOT.jar");
    }

    /** kill -9 under load at a random moment, restart on the same data, check every acknowledged write. */
    private int crash(int rounds) throws IOException {
        log.printf("%n== crash: %d rounds of kill -9 under load, restart on the same data%n", rounds);
        Path data = SystemProcess.mkdirs(work.resolve("crash/data"));
        Path systemLog = work.resolve("crash/system.log");
        int port = SystemProcess.freePort();
        Client client = new Client("http://127.0.0.1:" + port);
        Load load = new Load(client);
        Acked acked = new Acked(work.resolve("crash/acked.log"));
        SystemProcess system = SystemProcess.startSystem(jar(), data, port, Map.of(), List.of("-Xmx2g"), systemLog);
        system.awaitHealthy(client.base(), Duration.ofMinutes(3));
        List<Client.Account> accounts = accounts(client, 8);
        double rate = sustainable(load, accounts);
        int failures = 0;
        for (int round = 1; round <= rounds; round++) {
            long killAfterMs = 1000 + random.nextInt(6000);
            Duration loadFor = Duration.ofSeconds(10);
            long before = acked.count();
            CompletableFuture<Load.OpenLoop> running = CompletableFuture.supplyAsync(
                    () -> load.fixedRate(accounts, rate, loadFor, false, null, acked::add));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(killAfterMs));
            long killed = system.pid();
            system.kill();
            Load.OpenLoop result = running.join();
            long restarted = System.nanoTime();
            system = SystemProcess.startSystem(jar(), data, port, Map.of(), List.of("-Xmx2g"), systemLog);
            system.awaitHealthy(client.base(), Duration.ofMinutes(3));
            log.printf("round %d: kill -9 (pid %d) %d ms into the load; %d writes acknowledged before it (%d in total), %d refused or cut off %s;"
                            + " restarted in %.1f s%n", round, killed, killAfterMs, acked.count() - before, acked.count(),
                    result.errors(), result.errorKinds(), (System.nanoTime() - restarted) / 1e9);
            failures += verify(client, accounts, acked, "round " + round);
        }
        system.stop();
        load.close();
        return failures;
    }

    /** The broker stopped for a while under load: writes keep being accepted, and all of them arrive once it is back. */
    private int outage(Duration outage) throws IOException {
        log.printf("%n== broker outage: the Kafka broker (its own process) stopped for %d s under load%n", outage.toSeconds());
        Path kafkaDir = SystemProcess.mkdirs(work.resolve("outage/kafka"));
        Path data = SystemProcess.mkdirs(work.resolve("outage/data"));
        Path brokerLog = work.resolve("outage/broker.log");
        Path passwordFile = work.resolve("outage/secrets/kafka-password");
        Path benchJar = repo.resolve("infra/bench/target/bench-0.1.0-SNAPSHOT.jar");
        SystemProcess broker = SystemProcess.startBroker(benchJar, kafkaDir, passwordFile, brokerLog);
        String bootstrap = broker.address();
        int port = SystemProcess.freePort();
        Client client = new Client("http://127.0.0.1:" + port);
        Load load = new Load(client);
        Acked acked = new Acked(work.resolve("outage/acked.log"));
        SystemProcess system = SystemProcess.startSystem(jar(), data, port, SystemProcess.brokerEnvironment(bootstrap, passwordFile),
                List.of("-Xmx2g"), work.resolve("outage/system.log"));
        system.awaitHealthy(client.base(), Duration.ofMinutes(3));
        List<Client.Account> accounts = accounts(client, 8);
        double rate = sustainable(load, accounts);
        Duration lead = Duration.ofSeconds(5);
        CompletableFuture<Load.OpenLoop> running = CompletableFuture.supplyAsync(
                () -> load.fixedRate(accounts, rate, lead.plus(outage).plus(lead), false, null, acked::add));
        LockSupport.parkNanos(lead.toNanos());
        broker.stop();
        long down = acked.count();
        log.printf("broker stopped (%d writes acknowledged so far)%n", down);
        LockSupport.parkNanos(outage.toNanos());
        long during = acked.count() - down;
        broker = SystemProcess.startBroker(benchJar, kafkaDir, passwordFile, brokerLog);
        log.printf("broker restarted after %d s; %d writes were acknowledged while it was down%n", outage.toSeconds(), during);
        Load.OpenLoop result = running.join();
        log.printf("load finished: %d acknowledged, %d errors %s%n", result.ok(), result.errors(), result.errorKinds());
        int failures = 0;
        if (during == 0) {
            log.println("FAIL: no write was accepted while the broker was down");
            failures++;
        }
        if (result.errors() > 0) {
            log.println("FAIL: writes were refused while the broker was down");
            failures++;
        }
        failures += verify(client, accounts, acked, "after the outage");
        system.stop();
        broker.stop();
        load.close();
        return failures;
    }

    /**
     * One account's heavy work (long conversations and their summaries, PDF and zip exports with
     * attachments, prefix searches, a few workers at once, as fast as it is served) must not hold up
     * another's: the quiet account's write and read p99 stay within 2x of its figures alone.
     */
    private int noisy(Duration phase) throws IOException {
        log.printf("%n== noisy neighbour: a quiet account's writes and reads (%.0f/s each) alone for %d s, then for %d s beside"
                + " a noisy account's exports, long summaries and searches (%d workers)%n", QUIET_RATE, phase.toSeconds(),
                phase.toSeconds(), NOISY_WORKERS);
        Path data = SystemProcess.mkdirs(work.resolve("noisy/data"));
        int port = SystemProcess.freePort();
        Client client = new Client("http://127.0.0.1:" + port);
        Load load = new Load(client);
        SystemProcess system = SystemProcess.startSystem(jar(), data, port, Map.of(), List.of("-Xmx2g"), work.resolve("noisy/system.log"));
        system.awaitHealthy(client.base(), Duration.ofMinutes(3));
        List<Client.Account> quiet = accounts(client, 1);
        Noisy noisy = new Noisy(client, accounts(client, 1).get(0), random.nextLong());
        noisy.prepare();
        load.fixedRate(quiet, QUIET_RATE, Duration.ofSeconds(10), false, new Load.Reads(quiet, QUIET_RATE / 2), null); // warm-up
        Load.OpenLoop alone = load.fixedRate(quiet, QUIET_RATE, phase, false, new Load.Reads(quiet, QUIET_RATE / 2), null);
        noisy.start(NOISY_WORKERS);
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // the noise under way
        Load.OpenLoop beside = load.fixedRate(quiet, QUIET_RATE, phase, false, new Load.Reads(quiet, QUIET_RATE / 2), null);
        String noise = noisy.stop();
        system.stop();
        load.close();

        int failures = 0;
        log.printf("noisy account meanwhile: %s%n", noise);
        log.printf("%-22s %12s %12s %12s %8s%n", "quiet account", "write p99", "list p99", "get p99", "errors");
        log.printf("%-22s %9.1f ms %9.1f ms %9.1f ms %8d%n", "alone", Load.ms(alone.ack(), 99), Load.ms(alone.list(), 99),
                Load.ms(alone.get(), 99), alone.errors());
        log.printf("%-22s %9.1f ms %9.1f ms %9.1f ms %8d%n", "beside the noisy one", Load.ms(beside.ack(), 99),
                Load.ms(beside.list(), 99), Load.ms(beside.get(), 99), beside.errors());
        for (String[] figure : new String[][]{{"write", "ack"}, {"list", "list"}, {"get", "get"}}) {
            double before = Load.ms(pick(alone, figure[1]), 99);
            double after = Load.ms(pick(beside, figure[1]), 99);
            boolean ok = after <= 2 * before;
            log.printf("  %s p99: %.1f ms beside, %.1f ms alone (%.2fx): %s%n", figure[0], after, before, after / before, ok ? "OK" : "FAIL");
            if (!ok) failures++;
        }
        if (alone.errors() + beside.errors() > 0) {
            log.printf("  FAIL: the quiet account's requests failed: %s %s%n", alone.errorKinds(), beside.errorKinds());
            failures++;
        }
        return failures;
    }

    private static final double QUIET_RATE = 20;
    private static final int NOISY_WORKERS = 4;

    private static org.HdrHistogram.Histogram pick(Load.OpenLoop run, String which) {
        return switch (which) {
            case "ack" -> run.ack();
            case "list" -> run.list();
            default -> run.get();
        };
    }

    /** The noisy account: workers that send heavy requests back to back until stopped. */
    private static final class Noisy {
        private final Client client;
        private final Client.Account account;
        private final Random random;
        private final List<String> longConversations = new ArrayList<>();
        private final Map<String, java.util.concurrent.atomic.AtomicLong> answers = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<Thread> workers = new ArrayList<>();
        private volatile boolean running;

        Noisy(Client client, Client.Account account, long seed) {
            this.client = client;
            this.account = account;
            this.random = new Random(seed);
        }

        /** Long conversations to summarise and export, with attachments for the zip exports. */
        void prepare() {
            for (int i = 0; i < 3; i++) {
                Client.Response created = client.sendNow("POST", "/v1/conversations", account.key, longConversation());
                if (!created.ok()) throw new IllegalStateException("noisy: " + created.status() + " " + created.body());
                String id = created.json().get("id").asText();
                longConversations.add(id);
                client.upload(account.key, id, "scan-" + i + ".bin", new byte[4 * 1024 * 1024]);
            }
        }

        void start(int count) {
            running = true;
            for (int i = 0; i < count; i++) {
                Random mine = new Random(random.nextLong());
                Thread worker = new Thread(() -> {
                    while (running) {
                        String kind = switch (mine.nextInt(4)) {
                            case 0 -> send("summary", "POST", "/v1/conversations/" + any(mine) + "/summaries", "{\"style\": \"detailed\"}");
                            case 1 -> send("export", "POST", "/v1/exports", "{\"format\": \"" + (mine.nextBoolean() ? "pdf" : "json")
                                    + "\", \"options\": {\"include_attachments\": true}}");
                            case 2 -> send("search", "POST", "/v1/conversations/search", "{\"query\": \"con* pro* rep*\", \"per_page\": 100}");
                            default -> send("message", "POST", "/v1/conversations/" + any(mine) + "/messages",
                                    Client.json(Map.of("content", Text.paragraph())));
                        };
                        if (kind == null) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                        }
                    }
                }, "noisy-" + i);
                worker.setDaemon(true);
                worker.start();
                workers.add(worker);
            }
        }

        /** @return what the noisy account was answered, by request kind and status */
        String stop() {
            running = false;
            for (Thread worker : workers) {
                try {
                    worker.join(TimeUnit.SECONDS.toMillis(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new java.util.TreeMap<>(answers).toString();
        }

        private synchronized String any(Random mine) {
            return longConversations.get(mine.nextInt(longConversations.size()));
        }

        /** Null when refused (a limit): the worker pauses a moment, as a client told to wait would. */
        private String send(String kind, String method, String path, String json) {
            Client.Response r;
            try {
                r = client.sendNow(method, path, account.key, json);
            } catch (RuntimeException e) {
                answers.computeIfAbsent(kind + " " + e.getClass().getSimpleName(), k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
                return null;
            }
            answers.computeIfAbsent(kind + " " + r.status(), k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
            return r.ok() ? kind : null;
        }

        /** 1,000 messages of a few sentences: the most a conversation may be created with. */
        private static String longConversation() {
            List<Map<String, Object>> messages = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                messages.add(Map.of("role", i % 2 == 0 ? "user" : "agent", "content", Text.paragraph()));
            }
            return Client.json(Map.of("title", Text.title(), "messages", messages));
        }
    }

    /** Half of what the system acknowledges at saturation here (as the benchmark's P1: 32 writes in flight), at most {@link #MAX_RATE}. */
    private double sustainable(Load load, List<Client.Account> accounts) {
        load.saturate(accounts, 32, Duration.ofSeconds(5));
        Load.Saturation saturated = load.saturate(accounts, 32, Duration.ofSeconds(10));
        double rate = Math.min(MAX_RATE, Math.floor(saturated.writesPerS() / 2));
        log.printf("the system acknowledges %.0f writes/s at saturation here; the round runs at %.0f writes/s%n",
                saturated.writesPerS(), rate);
        return rate;
    }

    private List<Client.Account> accounts(Client client, int count) {
        List<Client.Account> accounts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Client.Account account = client.register("faults" + i + "-" + System.nanoTime() + "@faults.example");
            client.createConversation(account).join();
            accounts.add(account);
        }
        return accounts;
    }

    /**
     * Every acknowledged conversation is there; every acknowledged message is listed exactly once
     * in its conversation, at its index; no message is listed twice. Waits up to two minutes for
     * the read models to catch up, then reports what is still wrong.
     */
    private int verify(Client client, List<Client.Account> accounts, Acked acked, String label) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        long started = System.nanoTime();
        List<String> problems;
        do {
            problems = check(client, accounts, acked);
            if (problems.isEmpty()) break;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        } while (System.nanoTime() < deadline);
        if (problems.isEmpty()) {
            log.printf("  %s: OK, all %d acknowledged writes readable exactly once (%d conversations checked, caught up in %.1f s)%n",
                    label, acked.count(), acked.conversations().size(), (System.nanoTime() - started) / 1e9);
            return 0;
        }
        log.printf("  %s: FAIL, %d problems, first ones: %s%n", label, problems.size(), problems.subList(0, Math.min(10, problems.size())));
        return 1;
    }

    private List<String> check(Client client, List<Client.Account> accounts, Acked acked) {
        List<String> problems = new ArrayList<>();
        Map<String, Client.Account> owner = new HashMap<>();
        for (Client.Account account : accounts) {
            for (String id : account.snapshot()) owner.put(id, account);
        }
        for (Map.Entry<String, Map<Integer, String>> entry : acked.conversations().entrySet()) {
            String conversation = entry.getKey();
            Client.Account account = owner.get(conversation);
            if (account == null) {
                problems.add(conversation + ": no account");
                continue;
            }
            Client.Response got = client.sendNow("GET", "/v1/conversations/" + conversation, account.key, null);
            if (got.status() != 200) {
                problems.add(conversation + ": GET " + got.status());
                continue;
            }
            int count = got.json().path("message_count").asInt();
            Set<String> seen = new HashSet<>();
            Map<String, Integer> listedAt = new HashMap<>();
            for (int page = 1; (page - 1) * 100 < Math.max(count, 1); page++) {
                Client.Response r = client.sendNow("GET", "/v1/conversations/" + conversation + "/messages?per_page=100&page=" + page,
                        account.key, null);
                if (r.status() != 200) {
                    problems.add(conversation + ": messages page " + page + " " + r.status());
                    break;
                }
                for (JsonNode m : r.json().path("data")) {
                    String id = m.path("id").asText();
                    if (!seen.add(id)) problems.add(conversation + ": message " + id + " listed twice");
                    listedAt.put(id, m.path("index").asInt());
                }
            }
            if (seen.size() != count) problems.add(conversation + ": message_count " + count + " but " + seen.size() + " listed");
            for (Map.Entry<Integer, String> message : entry.getValue().entrySet()) {
                Integer at = listedAt.get(message.getValue());
                if (at == null) problems.add(conversation + ": acknowledged message " + message.getValue() + " missing");
                else if (at.intValue() != message.getKey()) problems.add(conversation + ": message " + message.getValue() + " at " + at);
            }
        }
        return problems;
    }

    /** The client's log of acknowledged writes, in memory and appended to a file as they come. */
    private static final class Acked {
        private final BufferedWriter file;
        private final Map<String, Map<Integer, String>> conversations = new LinkedHashMap<>();
        private long count;

        Acked(Path path) throws IOException {
            Files.createDirectories(path.getParent());
            this.file = Files.newBufferedWriter(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        synchronized void add(Client.Write write) {
            count++;
            conversations.computeIfAbsent(write.conversationId(), c -> new HashMap<>());
            if (!write.isConversation()) conversations.get(write.conversationId()).put(write.index(), write.messageId());
            try {
                file.write(write.conversationId() + " " + (write.isConversation() ? "-" : write.index() + " " + write.messageId()));
                file.newLine();
                file.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        synchronized long count() {
            return count;
        }

        synchronized Map<String, Map<Integer, String>> conversations() {
            Map<String, Map<Integer, String>> copy = new LinkedHashMap<>();
            conversations.forEach((k, v) -> copy.put(k, new HashMap<>(v)));
            return copy;
        }
    }
}
