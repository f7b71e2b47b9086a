package ai.soul.query.attachment;

import ai.soul.platform.Ids;
import ai.soul.platform.attachment.AttachmentResource;
import ai.soul.platform.auth.Caller;
import ai.soul.platform.web.ApiException;
import ai.soul.projections.attachment.Attachments;
import ai.soul.projections.conversation.Conversations;
import com.mongodb.MongoGridFSException;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSDownloadStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.BsonString;
import org.bson.Document;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.function.Function;

/** The reads of attachments: a conversation's list, and the bytes of one, streamed from GridFS. */
@RestController
public class AttachmentQueriesController {

    record Meta(int page, int perPage, long total, long totalPages) {
    }

    record Links(String first, String last, String prev, String next) {
    }

    record Page(List<AttachmentResource> data, Meta meta, Links links) {
    }


    private final Attachments attachments;
    private final Conversations conversations;
    private final GridFSBucket bucket;

    AttachmentQueriesController(Attachments attachments, Conversations conversations, GridFSBucket attachmentBucket) {
        this.attachments = attachments;
        this.conversations = conversations;
        this.bucket = attachmentBucket;
    }

    @GetMapping("/v1/conversations/{id}/attachments")
    Page list(Caller caller, HttpServletRequest request, @PathVariable String id, @RequestParam(defaultValue = "1") int page,
              @RequestParam(name = "per_page", defaultValue = "100") int perPage) {
        if (page < 1 || perPage < 1 || perPage > 100) {
            throw ApiException.badRequest("page must be 1 or more and per_page between 1 and 100");
        }
        if (!Ids.looksLike("conv", id) || conversations.find(caller.accountId(), id).isEmpty()) {
            throw ApiException.notFound("Conversation " + id + " not found");
        }
        List<AttachmentResource> all = resources(id);
        int from = (int) Math.min(all.size(), (long) (page - 1) * perPage);
        List<AttachmentResource> items = all.subList(from, Math.min(all.size(), from + perPage));
        long totalPages = Math.max(1, (all.size() + perPage - 1) / perPage);
        Function<Long, String> link = p -> ServletUriComponentsBuilder.fromRequest(request).replaceQueryParam("page", p).build()
                .toUriString();
        return new Page(items, new Meta(page, perPage, all.size(), totalPages), new Links(link.apply(1L), link.apply(totalPages),
                page > 1 ? link.apply(Math.min(page - 1, totalPages)) : null, page < totalPages ? link.apply(page + 1L) : null));
    }

    /** A conversation's attachments as they are shown, also inside the conversation itself. */
    public List<AttachmentResource> resources(String conversationId) {
        return attachments.of(conversationId).stream().map(AttachmentQueriesController::resource).toList();
    }

    /**
     * The stored bytes with their type and length; the filename travels RFC 6266/5987-encoded
     * ({@code filename*=UTF-8''...}), so any name is safe in the header.
     */
    @GetMapping("/v1/attachments/{id}/content")
    void content(Caller caller, @PathVariable String id, HttpServletResponse response) throws IOException {
        Document attachment = (Ids.looksLike("att", id) ? attachments.find(caller.accountId(), id) : java.util.Optional.<Document>empty())
                .orElseThrow(() -> ApiException.notFound("Attachment " + id + " not found"));
        GridFSDownloadStream in;
        try {
            in = bucket.openDownloadStream(new BsonString(attachment.getString("storage_id")));
        } catch (MongoGridFSException gone) {
            // deleted a moment ago: the read model has not caught up yet
            throw ApiException.notFound("Attachment " + id + " not found");
        }
        try (in; OutputStream out = response.getOutputStream()) {
            response.setContentType(attachment.getString("mime_type"));
            response.setContentLengthLong(in.getGridFSFile().getLength());
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                    .filename(attachment.getString("filename"), StandardCharsets.UTF_8).build().toString());
            response.setHeader("X-Content-Type-Options", "nosniff");
            in.transferTo(out);
        }
    }

    private static AttachmentResource resource(Document d) {
        String id = d.getString("_id");
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(AttachmentResource.contentPath(id)).toUriString();
        Date created = d.getDate("created_at");
        return new AttachmentResource(id, d.getString("filename"), ((Number) d.get("size")).longValue(), d.getString("mime_type"),
                url, created == null ? null : created.toInstant());
    }

}
