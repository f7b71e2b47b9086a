package ai.soul.command.export;

import ai.soul.command.PreferWait;
import ai.soul.domain.export.ExportCommands.DeleteExport;
import ai.soul.domain.export.ExportCommands.RequestExport;
import ai.soul.domain.export.ExportView;
import ai.soul.edge.Ids;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.schemas.export.ExportResource;
import ai.soul.edge.web.ResourceId;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportFailed;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.net.URI;
import java.time.Instant;

/**
 * {@code POST /v1/exports}: answers at once (202, processing); the renderer finishes it. With
 * {@code Prefer: wait=N} (RFC 7240) it waits up to N seconds (capped) for the outcome and answers it.
 * An account with {@code soul.exports.per-account-queue} exports open is answered 429. {@code DELETE}
 * removes an export.
 */
@RestController
class ExportsController {


    record Filters(String dateFrom, String dateTo) {
    }

    record Options(Boolean includeAttachments) {
    }

    record ExportRequest(String format, Filters filters, Options options) {
    }

    record Deleted(boolean deleted, String id) {
    }

    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;
    private final PreferWait waits;
    private final int maxOpen;

    /** {@code soul.exports.per-account-queue}: the exports an account may have open (waiting or rendering) at once. */
    ExportsController(CommandGateway gateway, ReadYourWrites readYourWrites, PreferWait waits,
                      @Value("${soul.exports.per-account-queue:5}") int maxOpen) {
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
        this.waits = waits;
        this.maxOpen = maxOpen;
    }

    @PostMapping(path = "/v1/exports", consumes = "application/json")
    ResponseEntity<ExportResource> create(Caller caller, @RequestBody ExportRequest request,
                                          @RequestHeader(name = "Prefer", required = false) String prefer) {
        Filters filters = request.filters() == null ? new Filters(null, null) : request.filters();
        boolean attachments = request.options() != null && Boolean.TRUE.equals(request.options().includeAttachments());
        String id = Ids.next("exp");
        var command = new RequestExport(id, caller.accountId(), request.format(), filters.dateFrom(), filters.dateTo(),
                attachments, maxOpen);
        ExportView v = readYourWrites.write(id, () -> gateway.sendAndWait(command), ExportView::version, caller.accountId());
        ExportResource processing = new ExportResource(id, "processing", v.format(), 0, null, null, null, v.createdAt(), null);
        URI location = ServletUriComponentsBuilder.fromCurrentContextPath().path("/v1/exports/" + id).build().toUri();
        // built here: the wait's outcome may be made on another thread, without the request
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(ExportResource.downloadPath(id)).toUriString();
        var waited = waits.await(prefer, id, v.version(), caller.accountId(), event -> {
            if (event.getPayload() instanceof ExportCompleted c) {
                return new ExportResource(id, "completed", v.format(), 100, megabytes(c.sizeBytes()), url, Instant.parse(c.expiresAt()),
                        v.createdAt(), null);
            }
            if (event.getPayload() instanceof ExportFailed f) {
                return new ExportResource(id, "failed", v.format(), null, null, null, null, v.createdAt(), f.reason());
            }
            return null;
        });
        return ResponseEntity.status(waited.outcome().isPresent() ? HttpStatus.OK : HttpStatus.ACCEPTED).location(location)
                .headers(waited.headers()).body(waited.outcome().orElse(processing));
    }

    /** Whatever its state; a render still running is discarded. Its file goes and its storage is given back. */
    @DeleteMapping("/v1/exports/{id}")
    Deleted delete(Caller caller, @PathVariable @ResourceId("exp") String id) {
        readYourWrites.write(id, () -> gateway.sendAndWait(new DeleteExport(id, caller.accountId())), (Long version) -> version,
                caller.accountId());
        return new Deleted(true, id);
    }

    static double megabytes(long bytes) {
        return Math.round(bytes / (1024.0 * 1024.0) * 100) / 100.0;
    }

}
