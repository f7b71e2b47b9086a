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

    private static final double RATE = 150;

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
        log.printf("%n%s%n", failures == 0 ? "ALL FAULT CHECKS PASSED" : failures + " FAULT CHECK(S) FAILED");
        return failures;
    }

    private Path jar() {
        return repo.resolve("infra/local/target/local-0.1.0-SNAPSHOT.jar");
    }

    /** kill -9 under load at a random moment, restart on the same data, check every acknowledged write. */
    private int crash(int rounds) throws IOException {
        log.printf("%n== crash: %d rounds of kill -9 under load (%.0f writes/s), restart on the same data%n", rounds, RATE);
        Path data = SystemProcess.mkdirs(work.resolve("crash/data"));
        Path systemLog = work.resolve("crash/system.log");
        int port = SystemProcess.freePort();
        Client client = new Client("http://127.0.0.1:" + port);
        Load load = new Load(client);
        Acked acked = new Acked(work.resolve("crash/acked.log"));
        SystemProcess system = SystemProcess.startSystem(jar(), data, port, Map.of(), List.of("-Xmx2g"), systemLog);
        system.awaitHealthy(client.base(), Duration.ofMinutes(3));
        List<Client.Account> accounts = accounts(client, 4);
        int failures = 0;
        for (int round = 1; round <= rounds; round++) {
            long killAfterMs = 1000 + random.nextInt(6000);
            Duration loadFor = Duration.ofSeconds(10);
            long before = acked.count();
            CompletableFuture<Load.OpenLoop> running = CompletableFuture.supplyAsync(
                    () -> load.fixedRate(accounts, RATE, loadFor, false, null, acked::add));
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
        log.printf("%n== broker outage: the Kafka broker (its own process) stopped for %d s under load (%.0f writes/s)%n",
                outage.toSeconds(), RATE);
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
        List<Client.Account> accounts = accounts(client, 4);
        Duration lead = Duration.ofSeconds(5);
        CompletableFuture<Load.OpenLoop> running = CompletableFuture.supplyAsync(
                () -> load.fixedRate(accounts, RATE, lead.plus(outage).plus(lead), false, null, acked::add));
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
