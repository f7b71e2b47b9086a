package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/** The {@code size} bytes reserved for an attachment count against the account's quota no more. */
@EventType("soul.account.storage_released.v1")
public record StorageReleased(String accountId, String attachmentId, long size) implements AccountEvent {
}
