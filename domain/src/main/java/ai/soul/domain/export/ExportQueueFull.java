package ai.soul.domain.export;

/** The account has as many exports open (waiting for a renderer or rendering) as it may have. */
public class ExportQueueFull extends RuntimeException {

    private final int open;
    private final int limit;

    public ExportQueueFull(int open, int limit) {
        super("The account has " + open + " exports in progress, the most it may have; request another once one has finished");
        this.open = open;
        this.limit = limit;
    }

    public int open() {
        return open;
    }

    public int limit() {
        return limit;
    }
}
