package ai.soul.schemas.conversation;

import ai.soul.schemas.attachment.AttachmentResource;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/**
 * One conversation as {@code GET /v1/conversations/{id}} and the writes show it: its own fields,
 * then its attachments (the list of conversations leaves them out).
 */
public record ConversationWithAttachments(@JsonUnwrapped ConversationResource conversation, List<AttachmentResource> attachments) {
}
