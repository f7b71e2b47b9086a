package ai.soul.schemas.attachment;

import java.time.Instant;

/** An attachment as the API shows it; {@code url} is where its bytes are downloaded. */
public record AttachmentResource(String id, String filename, long size, String mimeType, String url, Instant createdAt) {

    public static String contentPath(String attachmentId) {
        return "/v1/attachments/" + attachmentId + "/content";
    }
}
