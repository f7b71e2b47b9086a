package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/**
 * The {@code size} bytes of an export's file ({@code fileId}) count against the account's quota no more:
 * the export expired, failed or was deleted, or the file was a render that did not become the export's.
 */
@EventType("soul.account.export_storage_released.v1")
public record ExportStorageReleased(String accountId, String exportId, String fileId, long size) implements AccountEvent {
}
