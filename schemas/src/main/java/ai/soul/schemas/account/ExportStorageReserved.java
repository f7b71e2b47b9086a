package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/**
 * An export's file ({@code fileId}, {@code size} bytes) counts against the account's storage quota,
 * together with its attachments; the account decided it fits before the export completed.
 */
@EventType("soul.account.export_storage_reserved.v1")
public record ExportStorageReserved(String accountId, String exportId, String fileId, long size) implements AccountEvent {
}
