package ai.soul.platform.attachment;

import ai.soul.projections.attachment.Attachments;
import org.bson.Document;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Instant;
import java.util.Date;
import java.util.List;

/** An attachment as the API shows it; {@code url} is where its bytes are downloaded. */
public record AttachmentResource(String id, String filename, long size, String mimeType, String url, Instant createdAt) {

    public static String contentPath(String attachmentId) {
        return "/v1/attachments/" + attachmentId + "/content";
    }

    /** A document of the attachments read model as shown, with its download URL on the host of the current request. */
    public static AttachmentResource of(Document d) {
        String id = d.getString("_id");
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(contentPath(id)).toUriString();
        Date created = d.getDate("created_at");
        return new AttachmentResource(id, d.getString("filename"), ((Number) d.get("size")).longValue(), d.getString("mime_type"),
                url, created == null ? null : created.toInstant());
    }

    /** A conversation's attachments as they are shown, in the list and inside the conversation itself. */
    public static List<AttachmentResource> ofConversation(Attachments attachments, String conversationId) {
        return attachments.of(conversationId).stream().map(AttachmentResource::of).toList();
    }
}
