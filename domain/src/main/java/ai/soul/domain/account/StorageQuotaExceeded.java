package ai.soul.domain.account;

/** An attachment or an export's file does not fit in what is left of the account's storage quota. */
public class StorageQuotaExceeded extends RuntimeException {

    private final long usedBytes;
    private final long limitBytes;
    private final long fileBytes;

    public StorageQuotaExceeded(long usedBytes, long limitBytes, long fileBytes) {
        super("Storage quota exceeded");
        this.usedBytes = usedBytes;
        this.limitBytes = limitBytes;
        this.fileBytes = fileBytes;
    }

    public long usedBytes() {
        return usedBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    public long fileBytes() {
        return fileBytes;
    }
}
