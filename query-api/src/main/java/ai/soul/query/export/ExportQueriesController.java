package ai.soul.query.export;

import ai.soul.edge.web.ResourceId;
import ai.soul.edge.auth.Caller;
import ai.soul.schemas.export.ExportResource;
import ai.soul.edge.web.ApiException;
import ai.soul.projections.Paging;
import ai.soul.projections.export.ExportDocument;
import ai.soul.projections.export.Exports;
import ai.soul.edge.web.Downloads;
import com.mongodb.MongoGridFSException;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSDownloadStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.types.ObjectId;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import java.util.function.Function;

/**
 * The reads of exports: one, the account's list, and the file. Another account's export answers
 * exactly like an unknown one (404). The file of an export that is not completed is refused:
 * 409 while processing or failed, 410 Gone once expired (its file is deleted).
 */
@RestController
class ExportQueriesController {

    record Meta(int page, int perPage, long total, long totalPages) {
    }

    record Links(String first, String last, String prev, String next) {
    }

    record Page(List<ExportResource> data, Meta meta, Links links) {
    }

    private final Exports exports;
    private final GridFSBucket bucket;

    ExportQueriesController(Exports exports, @Qualifier("exportBucket") GridFSBucket exportBucket) {
        this.exports = exports;
        this.bucket = exportBucket;
    }

    @GetMapping("/v1/exports/{id}")
    ExportResource one(Caller caller, @PathVariable @ResourceId("exp") String id) {
        return resource(find(caller, id));
    }

    @GetMapping("/v1/exports")
    Page list(Caller caller, HttpServletRequest request, @RequestParam(defaultValue = "1") int page,
              @RequestParam(name = "per_page", defaultValue = "20") int perPage) {
        if (page < 1 || perPage < 1 || perPage > 100) {
            throw ApiException.badRequest("page must be 1 or more and per_page between 1 and 100");
        }
        Paging.Page<ExportDocument> found = exports.list(caller.accountId(), page, perPage);
        long totalPages = Math.max(1, (found.total() + perPage - 1) / perPage);
        Function<Long, String> link = p -> ServletUriComponentsBuilder.fromRequest(request).replaceQueryParam("page", p).build()
                .toUriString();
        return new Page(found.items().stream().map(ExportQueriesController::resource).toList(),
                new Meta(page, perPage, found.total(), totalPages),
                new Links(link.apply(1L), link.apply(totalPages), page > 1 ? link.apply(Math.min(page - 1, totalPages)) : null,
                        page < totalPages ? link.apply(page + 1L) : null));
    }

    /**
     * The file with its type and length; the name as {@link Downloads#contentDisposition} writes it, and
     * {@code nosniff} keeps a browser from reading it as anything else.
     */
    @GetMapping(path = "/v1/exports/{id}/download", produces = MediaType.ALL_VALUE)
    void download(Caller caller, @PathVariable @ResourceId("exp") String id, HttpServletResponse response) throws IOException {
        ExportDocument export = find(caller, id);
        String status = export.status();
        if ("expired".equals(status)) {
            throw new ApiException(HttpStatus.GONE, "export_expired", "Export " + id + " expired; its file was deleted",
                    java.util.Map.of("expired_at", String.valueOf(export.expiresAt())));
        }
        if (!"completed".equals(status)) {
            throw ApiException.conflict("Export " + id + " is " + status + "; only a completed export can be downloaded");
        }
        GridFSDownloadStream in;
        try {
            in = bucket.openDownloadStream(new ObjectId(export.fileId()));
        } catch (MongoGridFSException | IllegalArgumentException gone) {
            // expired a moment ago: the read model has not caught up yet
            throw new ApiException(HttpStatus.GONE, "export_expired", "Export " + id + " expired; its file was deleted", java.util.Map.of());
        }
        try (in; OutputStream out = response.getOutputStream()) {
            response.setContentType(export.contentType());
            response.setContentLengthLong(in.getGridFSFile().getLength());
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, Downloads.contentDisposition(export.fileName()));
            response.setHeader("X-Content-Type-Options", "nosniff");
            in.transferTo(out);
        }
    }

    private ExportDocument find(Caller caller, String id) {
        return exports.find(caller.accountId(), id).orElseThrow(() -> ApiException.notFound("Export " + id + " not found"));
    }

    static ExportResource resource(ExportDocument d) {
        boolean completed = "completed".equals(d.status());
        String url = completed ? ServletUriComponentsBuilder.fromCurrentContextPath().path(ExportResource.downloadPath(d.id())).toUriString() : null;
        return new ExportResource(d.id(), d.status(), d.format(), d.progress(),
                d.sizeBytes() == null ? null : Math.round(d.sizeBytes() / (1024.0 * 1024.0) * 100) / 100.0, url,
                d.expiresAt(), d.createdAt(), d.error());
    }
}
