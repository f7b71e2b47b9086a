package ai.soul.domain.account;

import ai.soul.schemas.Refusal;

import java.util.Map;

/** An attachment or an export's file does not fit in what is left of the account's storage quota. */
public class StorageQuotaExceeded extends RuntimeException implements Refusal {

    private final long usedBytes;
    private final long limitBytes;
    private final long fileBytes;

    public StorageQuotaExceeded(long usedBytes, long limitBytes, long fileBytes) {
        super("The file (" + fileBytes + " bytes) does not fit in the account's storage quota: " + usedBytes + " of "
                + limitBytes + " bytes are in use");
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

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String code() {
        return "storage_quota_exceeded";
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("used_bytes", usedBytes, "limit_bytes", limitBytes, "file_bytes", fileBytes);
    }
}
