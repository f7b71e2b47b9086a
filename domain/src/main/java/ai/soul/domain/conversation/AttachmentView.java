package ai.soul.domain.conversation;

import java.time.Instant;

/**
 * An attachment as the conversation accepted it (its filename without directories); {@code version}
 * is the conversation's, {@code createdAt} null when the attachment had been added before.
 */
public record AttachmentView(String id, String conversationId, String filename, String mimeType, long size, Instant createdAt,
                             long version) {
}
