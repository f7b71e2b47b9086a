package ai.soul.bench.history;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Preloads a large synthetic history into a stopped system's event store, through Axon's own JDBC engine
 * configured like the system's, so the system reads it afterwards exactly like events it wrote itself.
 * On its next start the system's tracking publisher puts these events on Kafka and the projections build
 * the read models from there; the loader touches neither Kafka nor MongoDB.
 *
 * <p>The history: conversations of ~100 synthetic accounts, each a {@code ConversationCreated} (sequence
 * 0) followed by {@code MessagePosted} events (sequence 1.., index 0..), users and agents taking turns;
 * 10 events per conversation on average (1 to 19). About a thousand conversations are open at any
 * time, so one conversation's events are spread over the log as real traffic interleaves them. The
 * timeline ends a minute ago and goes back about 90 days (at least 1 ms between events); every id's
 * ULID carries the time its event happened, so ids sort like the timestamps. Event identifiers are
 * version 7 UUIDs (time first), which keeps H2's unique index on them append-only during the load
 * (random ones, as Axon makes, take twice as long here); the store is compacted at the end.
 */
public final class HistoryLoader {

    /** Axon's aggregate type of the system's conversations: the aggregate class's simple name. */
    static final String AGGREGATE_TYPE = "Conversation";
    static final int ACCOUNTS = 100;
    static final int OPEN_CONVERSATIONS = 1_000;
    static final int MAX_MESSAGES = 18;
    static final int BATCH = 2_500;
    static final Duration SPAN = Duration.ofDays(90);

    private HistoryLoader() {
    }

    /**
     * Appends {@code events} events to the event store under {@code dataDir} (the system's DATA_DIR),
     * creating the store and its tables if they do not exist yet. The system must be stopped (H2 locks the file).
     */
    public static LoadedHistory load(Path dataDir, long events, PrintStream log) {
        return load(dataDir, events, log, List.of());
    }

    /**
     * The same, with {@code owners} (ids of accounts registered through the API, so a client holds
     * their keys) among the synthetic accounts: each owns its share of the conversations, which makes
     * them searchable as their owners.
     */
    public static LoadedHistory load(Path dataDir, long events, PrintStream log, List<String> owners) {
        if (owners.size() > ACCOUNTS) {
            throw new IllegalArgumentException("at most " + ACCOUNTS + " owners: " + owners.size());
        }
        if (events < 0) {
            throw new IllegalArgumentException("events must be >= 0: " + events);
        }
        long started = System.nanoTime();
        Path database = dataDir.toAbsolutePath().resolve(SystemEventStore.DATABASE);
        try {
            Files.createDirectories(database.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + database.getParent(), e);
        }
        SingleConnectionDataSource dataSource =
                new SingleConnectionDataSource(SystemEventStore.jdbcUrl(database), SystemEventStore.USER, SystemEventStore.PASSWORD, true);
        try {
            try {
                dataSource.getConnection(); // fail early and clearly if the system still holds the file
            } catch (SQLException e) {
                throw new IllegalStateException("cannot open the event store " + database
                        + ".mv.db (is the system still running? it must be stopped)", e);
            }
            JdbcEventStorageEngine engine = SystemEventStore.engine(dataSource);
            log.printf(Locale.ROOT, "history: loading %,d events into %s.mv.db%n", events, database);
            int conversations = append(engine, events, log, started, owners);
            compact(dataSource, database, log);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            log.printf(Locale.ROOT, "history: %,d events in %,d conversations loaded in %.1f s (%,.0f events/s)%n",
                    events, conversations, took.toNanos() / 1e9, events / Math.max(took.toNanos() / 1e9, 1e-9));
            return new LoadedHistory(events, conversations, took);
        } finally {
            dataSource.destroy(); // the last connection: H2 closes the database and releases its lock
        }
    }

    private static int append(JdbcEventStorageEngine engine, long events, PrintStream log, long started, List<String> owners) {
        Synthetic synthetic = Synthetic.unseeded();
        var random = synthetic.random();
        long end = Instant.now().minusSeconds(60).toEpochMilli();
        long gap = Math.max(1, SPAN.toMillis() / Math.max(events, 1));
        long start = end - gap * events;

        String[] accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = synthetic.id("usr", start - Duration.ofDays(1 + random.nextInt(30)).toMillis() - random.nextInt(86_400_000));
        }
        for (int i = 0; i < owners.size(); i++) {
            accounts[i] = owners.get(i);
        }

        Open[] open = new Open[OPEN_CONVERSATIONS];
        int openCount = 0;
        long unplanned = events; // events not yet assigned to a conversation
        int conversations = 0;
        List<DomainEventMessage<?>> batch = new ArrayList<>(BATCH);
        long step = Math.max(1, events / 10);
        for (long i = 0; i < events; i++) {
            while (openCount < OPEN_CONVERSATIONS && unplanned > 0) {
                int length = (int) Math.min(1 + random.nextInt(MAX_MESSAGES + 1), unplanned);
                unplanned -= length;
                open[openCount++] = new Open(accounts[random.nextInt(ACCOUNTS)], length);
            }
            long at = start + i * gap + (gap > 1 ? random.nextLong(gap) : 0);
            int slot = random.nextInt(openCount);
            Open c = open[slot];
            Object payload;
            if (c.next == 0) {
                c.id = synthetic.id("conv", at);
                conversations++;
                payload = synthetic.conversationCreated(c.id, c.account);
            } else {
                payload = synthetic.messagePosted(c.id, c.account, synthetic.id("msg", at), (int) c.next - 1);
            }
            batch.add(new GenericDomainEventMessage<>(AGGREGATE_TYPE, c.id, c.next, payload,
                    synthetic.eventMetadata(), synthetic.uuid(at), Instant.ofEpochMilli(at)));
            if (++c.next == c.length) {
                open[slot] = open[--openCount];
                open[openCount] = null;
            }
            if (batch.size() == BATCH) {
                engine.appendEvents(batch);
                batch.clear();
            }
            if ((i + 1) % step == 0 && i + 1 < events) {
                double seconds = (System.nanoTime() - started) / 1e9;
                log.printf(Locale.ROOT, "history: %,d / %,d events (%d%%) after %.1f s, %,.0f events/s%n",
                        i + 1 - batch.size(), events, (i + 1) * 100 / events, seconds, (i + 1 - batch.size()) / seconds);
            }
        }
        if (!batch.isEmpty()) {
            engine.appendEvents(batch);
        }
        return conversations;
    }

    /**
     * H2 writes a new chunk of its file whenever it writes (the system checkpoints after every group of commits) and
     * keeps replaced chunks for 45 s, so a bulk load leaves a file several times the size of its data.
     * {@code SHUTDOWN COMPACT} rewrites it to the live data and closes the database.
     */
    private static void compact(SingleConnectionDataSource dataSource, Path database, PrintStream log) {
        Path file = database.resolveSibling(database.getFileName() + ".mv.db");
        long before = sizeOf(file);
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compact " + file, e);
        }
        log.printf(Locale.ROOT, "history: compacted %s from %,d MB to %,d MB in %.1f s%n", file.getFileName(),
                before >> 20, sizeOf(file) >> 20, (System.nanoTime() - started) / 1e9);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** A conversation being written: its id once created, and how many of its planned events are out. */
    private static final class Open {
        final String account;
        final int length;
        String id;
        long next;

        Open(String account, int length) {
            this.account = account;
            this.length = length;
        }
    }
}
