package ai.soul.eventstore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the H2 event store. H2 commits a transaction in memory and writes its file in
 * the background; a {@code CHECKPOINT} writes everything committed so far. Making each command wait
 * for a checkpoint of its own (H2's WRITE_DELAY=0) costs a file write per command, one at a time,
 * which capped the write rate. Here a caller that needs its commit on disk waits for the next
 * checkpoint; one caller runs it while the others wait, so every checkpoint covers all the commits
 * made before it started, however many.
 * <p>
 * On disk means in the file, so a killed process loses nothing it acknowledged; the operating
 * system writes the file out (a power cut may still lose the last moments, as with WRITE_DELAY=0).
 */
public final class GroupCommit implements CommitDurability {

    private final DataSource dataSource;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private long requested;
    private long durable;
    private boolean writing;

    public GroupCommit(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Returns once everything committed before the call is in the file. */
    @Override
    public void awaitDurable() {
        lock.lock();
        try {
            long ticket = ++requested;
            while (durable < ticket) {
                if (writing) {
                    written.awaitUninterruptibly();
                    continue;
                }
                writing = true;
                long covers = requested; // every commit behind these tickets happened before the checkpoint starts
                lock.unlock();
                boolean ok = false;
                try {
                    checkpoint();
                    ok = true;
                } finally {
                    lock.lock();
                    writing = false;
                    if (ok) durable = Math.max(durable, covers);
                    written.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkpoint() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new IllegalStateException("the event store could not write its file", e);
        }
    }
}
