package ai.soul.command.attachment;

import ai.soul.domain.attachment.AttachmentFiles;
import ai.soul.domain.conversation.AttachmentView;
import ai.soul.edge.attachment.AttachmentLimits;
import ai.soul.schemas.attachment.AttachmentResource;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ResourceId;
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

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Uploads and deletions of attachments: the request parsed and handed to {@link AttachmentFiles}, which does the rest. */
@RestController
class AttachmentsController {

    record Deleted(boolean deleted, String id) {
    }

    private final AttachmentFiles files;
    private final ReadYourWrites readYourWrites;
    private final AttachmentLimits limits;

    AttachmentsController(AttachmentFiles files, ReadYourWrites readYourWrites, AttachmentLimits limits) {
        this.files = files;
        this.readYourWrites = readYourWrites;
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
        var upload = new AttachmentFiles.Upload(id, caller.accountId(), requested, file.getSize(), file::getInputStream,
                filename -> mimeType(file.getContentType(), filename));
        AttachmentView view = readYourWrites.write(id, () -> files.upload(upload), AttachmentView::version, caller.accountId());
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(AttachmentResource.contentPath(view.id())).toUriString();
        return ResponseEntity.created(URI.create(url))
                .body(new AttachmentResource(view.id(), view.filename(), view.size(), view.mimeType(), url, view.createdAt()));
    }

    @DeleteMapping("/v1/attachments/{id}")
    Deleted delete(Caller caller, @PathVariable @ResourceId("att") String id) {
        String conversationId = files.conversationOf(caller.accountId(), id).orElse(null);
        if (conversationId == null) {
            throw ApiException.notFound("Attachment " + id + " not found");
        }
        readYourWrites.write(conversationId, () -> files.delete(conversationId, caller.accountId(), id), (Long version) -> version,
                caller.accountId());
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
