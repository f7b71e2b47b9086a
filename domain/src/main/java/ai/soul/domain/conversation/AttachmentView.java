package ai.soul.domain.conversation;

/** An attachment as the conversation accepted it (its filename without directories); {@code version} is the conversation's. */
public record AttachmentView(String id, String conversationId, String filename, String mimeType, long size, long version) {
}
