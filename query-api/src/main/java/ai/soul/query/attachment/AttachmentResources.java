package ai.soul.query.attachment;

import ai.soul.projections.attachment.Attachments;
import ai.soul.schemas.attachment.AttachmentResource;
import org.bson.Document;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.Date;
import java.util.List;

/** Attachments of the read model as the API shows them, in the list and inside the conversation itself. */
public final class AttachmentResources {

    private AttachmentResources() {
    }

    /** A document of the attachments read model as shown, with its download URL on the host of the current request. */
    static AttachmentResource of(Document d) {
        String id = d.getString("_id");
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(AttachmentResource.contentPath(id)).toUriString();
        Date created = d.getDate("created_at");
        return new AttachmentResource(id, d.getString("filename"), ((Number) d.get("size")).longValue(), d.getString("mime_type"),
                url, created == null ? null : created.toInstant());
    }

    public static List<AttachmentResource> ofConversation(Attachments attachments, String conversationId) {
        return attachments.of(conversationId).stream().map(AttachmentResources::of).toList();
    }
}
