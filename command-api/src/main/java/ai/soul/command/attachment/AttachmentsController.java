package ai.soul.command.attachment;

import ai.soul.command.Commands;
import ai.soul.domain.account.AccountCommands.ReleaseStorage;
import ai.soul.domain.account.AccountCommands.ReserveStorage;
import ai.soul.domain.conversation.AttachmentView;
import ai.soul.domain.conversation.ConversationCommands.AttachFile;
import ai.soul.domain.conversation.ConversationCommands.CheckAttachment;
import ai.soul.domain.conversation.ConversationCommands.DeleteAttachment;
import ai.soul.edge.Ids;
import ai.soul.edge.attachment.AttachmentLimits;
import ai.soul.schemas.attachment.AttachmentResource;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ResourceId;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Uploads and deletions of attachments. An upload is checked by the conversation first (owner,
 * not deleted, filename), so nothing is stored for a refused file; then the account reserves its
 * size (the account aggregate handles one command at a time, so concurrent uploads cannot together
 * exceed the quota), the bytes go to GridFS, and the conversation records the attachment. A
 * failure after the reservation gives the bytes and the reservation back.
 */
@RestController
class AttachmentsController {

    record Deleted(boolean deleted, String id) {
    }

    private final Commands commands;
    private final CommandGateway gateway;
    private final AttachmentStorage storage;
    private final AttachmentLimits limits;

    AttachmentsController(Commands commands, CommandGateway gateway, AttachmentStorage storage, AttachmentLimits limits) {
        this.commands = commands;
        this.gateway = gateway;
        this.storage = storage;
        this.limits = limits;
    }

    /**
     * By the time this runs, the container has streamed the parts to temporary files and stopped at
     * the per-file limit ({@code MultipartConfigElement} in the edge), so the size is known.
     */
    @PostMapping(path = "/v1/conversations/{id}/attachments", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<AttachmentResource> upload(Caller caller, @PathVariable @ResourceId("conv") String id,
                                              @RequestPart(name = "file", required = false) MultipartFile file,
                                              @RequestParam(name = "filename", required = false) String filenameField) {
        if (file == null) {
            throw ApiException.validation(Map.of("file", List.of("A file is required: a part named 'file' with a filename")));
        }
        String requested = filenameField != null && !filenameField.isBlank() ? filenameField : file.getOriginalFilename();
        String filename = gateway.sendAndWait(new CheckAttachment(id, caller.accountId(), requested));
        String mimeType = mimeType(file.getContentType(), filename);
        String attachmentId = Ids.next("att");
        long size = file.getSize();
        gateway.sendAndWait(
                new ReserveStorage(caller.accountId(), attachmentId, size, limits.accountQuota().toBytes()));
        try {
            AttachmentStorage.Stored stored;
            try (InputStream in = file.getInputStream()) {
                stored = storage.store(attachmentId, id, caller.accountId(), filename, mimeType, in);
            }
            AttachmentView view = commands.send(new AttachFile(id, caller.accountId(), attachmentId, filename,
                    mimeType, stored.size(), stored.sha256(), attachmentId), id, AttachmentView::version, caller.accountId());
            String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(AttachmentResource.contentPath(attachmentId))
                    .toUriString();
            return ResponseEntity.created(URI.create(url))
                    .body(new AttachmentResource(attachmentId, view.filename(), view.size(), view.mimeType(), url, view.createdAt()));
        } catch (RuntimeException | IOException e) {
            // refused or failed after the reservation (e.g. the conversation was deleted meanwhile): give everything back
            storage.discard(attachmentId);
            gateway.sendAndWait(new ReleaseStorage(caller.accountId(), attachmentId));
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    @DeleteMapping("/v1/attachments/{id}")
    Deleted delete(Caller caller, @PathVariable @ResourceId("att") String id) {
        AttachmentStorage.Owner owner = storage.owner(id);
        if (owner == null || !caller.accountId().equals(owner.accountId())) {
            throw ApiException.notFound("Attachment " + id + " not found");
        }
        commands.send(new DeleteAttachment(owner.conversationId(), caller.accountId(), id),
                owner.conversationId(), (Long version) -> version, caller.accountId());
        // at once, so the space is free for the next upload; AttachmentCleanup does the same for every deletion, idempotently
        gateway.sendAndWait(new ReleaseStorage(caller.accountId(), id));
        storage.discard(id);
        return new Deleted(true, id);
    }

    /** The part's own type when it names one, else a guess from the filename, else bytes. */
    static String mimeType(String declared, String filename) {
        if (declared != null) {
            try {
                MediaType type = MediaType.parseMediaType(declared);
                if (!type.isWildcardType() && !type.isWildcardSubtype() && !MediaType.APPLICATION_OCTET_STREAM.equals(type)) {
                    return type.toString();
                }
            } catch (InvalidMediaTypeException ignored) {
                // a type that cannot be parsed is no type
            }
        }
        return MediaTypeFactory.getMediaType(filename).orElse(MediaType.APPLICATION_OCTET_STREAM).toString();
    }
}
