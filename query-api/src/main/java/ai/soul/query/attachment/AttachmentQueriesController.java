package ai.soul.query.attachment;

import ai.soul.edge.web.Downloads;
import org.springframework.beans.factory.annotation.Qualifier;
import ai.soul.edge.web.ResourceId;
import ai.soul.schemas.attachment.AttachmentResource;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.Page;
import ai.soul.projections.attachment.AttachmentDocument;
import ai.soul.projections.attachment.Attachments;
import ai.soul.projections.conversation.Conversations;
import com.mongodb.MongoGridFSException;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSDownloadStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.BsonString;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** The reads of attachments: a conversation's list, and the bytes of one, streamed from GridFS. */
@RestController
class AttachmentQueriesController {



    private final Attachments attachments;
    private final Conversations conversations;
    private final GridFSBucket bucket;

    AttachmentQueriesController(Attachments attachments, Conversations conversations, @Qualifier("attachmentBucket") GridFSBucket attachmentBucket) {
        this.attachments = attachments;
        this.conversations = conversations;
        this.bucket = attachmentBucket;
    }

    @GetMapping("/v1/conversations/{id}/attachments")
    Page<AttachmentResource> list(Caller caller, HttpServletRequest request, @PathVariable @ResourceId("conv") String id, @RequestParam(defaultValue = "1") int page,
              @RequestParam(name = "per_page", defaultValue = "20") int perPage) {
        Page.check(page, perPage);
        if (conversations.find(caller.accountId(), id).isEmpty()) {
            throw ApiException.notFound("Conversation " + id + " not found");
        }
        List<AttachmentResource> all = AttachmentResources.ofConversation(attachments, id);
        int from = (int) Math.min(all.size(), (long) (page - 1) * perPage);
        List<AttachmentResource> items = all.subList(from, Math.min(all.size(), from + perPage));
        return Page.of(items, page, perPage, all.size(), request);
    }

    /** The stored bytes with their type and length, and the filename as {@link Downloads#contentDisposition} writes it. */
    @GetMapping(path = "/v1/attachments/{id}/content", produces = MediaType.ALL_VALUE)
    void content(Caller caller, @PathVariable @ResourceId("att") String id, HttpServletResponse response) throws IOException {
        AttachmentDocument attachment = attachments.find(caller.accountId(), id)
                .orElseThrow(() -> ApiException.notFound("Attachment " + id + " not found"));
        GridFSDownloadStream in;
        try {
            in = bucket.openDownloadStream(new BsonString(attachment.storageId()));
        } catch (MongoGridFSException gone) {
            // deleted a moment ago: the read model has not caught up yet
            throw ApiException.notFound("Attachment " + id + " not found");
        }
        try (in; OutputStream out = response.getOutputStream()) {
            response.setContentType(attachment.mimeType());
            response.setContentLengthLong(in.getGridFSFile().getLength());
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, Downloads.contentDisposition(attachment.filename()));
            response.setHeader("X-Content-Type-Options", "nosniff");
            in.transferTo(out);
        }
    }


}
