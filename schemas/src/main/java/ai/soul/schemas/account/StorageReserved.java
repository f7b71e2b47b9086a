package ai.soul.schemas.account;

import ai.soul.schemas.EventType;

/**
 * {@code size} bytes of the account's storage quota were set aside for an attachment before it is
 * added to its conversation; the account decides, one upload at a time, so the quota is never exceeded.
 */
@EventType("soul.account.storage_reserved.v1")
public record StorageReserved(String accountId, String attachmentId, long size) implements AccountEvent {
}
