package ai.soul.query.attachment;

import ai.soul.projections.attachment.AttachmentDocument;
import ai.soul.projections.attachment.Attachments;
import ai.soul.schemas.attachment.AttachmentResource;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;

/** Attachments of the read model as the API shows them, in the list and inside the conversation itself. */
public final class AttachmentResources {

    private AttachmentResources() {
    }

    /** A document of the attachments read model as shown, with its download URL on the host of the current request. */
    static AttachmentResource of(AttachmentDocument d) {
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(AttachmentResource.contentPath(d.id())).toUriString();
        return new AttachmentResource(d.id(), d.filename(), d.size(), d.mimeType(), url, d.createdAt());
    }

    public static List<AttachmentResource> ofConversation(Attachments attachments, String conversationId) {
        return attachments.of(conversationId).stream().map(AttachmentResources::of).toList();
    }
}
