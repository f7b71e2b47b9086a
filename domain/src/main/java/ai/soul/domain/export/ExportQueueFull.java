package ai.soul.domain.export;

import ai.soul.schemas.Refusal;

import java.util.Map;

/** The account has as many exports open (waiting for a renderer or rendering) as it may have. */
public class ExportQueueFull extends RuntimeException implements Refusal {

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

    /** 429: the account waits for one of its exports to finish; another account's exports are not held up by it. */
    @Override
    public int status() {
        return 429;
    }

    @Override
    public String code() {
        return "export_queue_full";
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("open_exports", open, "limit", limit);
    }
}
