package ai.soul.command.export;

import ai.soul.command.Commands;
import ai.soul.command.conversation.EventWait;
import ai.soul.domain.export.ExportCommands.RequestExport;
import ai.soul.domain.export.ExportView;
import ai.soul.platform.Ids;
import ai.soul.platform.auth.Caller;
import ai.soul.platform.export.ExportResource;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportFailed;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /v1/exports}: answers at once (202, processing); the renderer finishes it. With
 * {@code Prefer: wait=N} (RFC 7240) it waits up to N seconds (capped) for the outcome and answers it.
 */
@RestController
class ExportsController {


    record Filters(String dateFrom, String dateTo) {
    }

    record Options(Boolean includeAttachments) {
    }

    record ExportRequest(String format, Filters filters, Options options) {
    }

    private final Commands commands;
    private final EventWait waits;

    ExportsController(Commands commands, EventWait waits) {
        this.commands = commands;
        this.waits = waits;
    }

    @PostMapping(path = "/v1/exports", consumes = "application/json")
    ResponseEntity<ExportResource> create(Caller caller, @RequestBody ExportRequest request,
                                          @RequestHeader(name = "Prefer", required = false) String prefer) {
        Filters filters = request.filters() == null ? new Filters(null, null) : request.filters();
        boolean attachments = request.options() != null && Boolean.TRUE.equals(request.options().includeAttachments());
        String id = Ids.next("exp");
        ExportView v = commands.send(new RequestExport(id, caller.accountId(), request.format(), filters.dateFrom(), filters.dateTo(),
                attachments), id, ExportView::version, caller.accountId());
        ExportResource processing = new ExportResource(id, "processing", v.format(), 0, null, null, null, v.createdAt(), null);
        URI location = ServletUriComponentsBuilder.fromCurrentContextPath().path("/v1/exports/" + id).build().toUri();
        Optional<Duration> wait = waits.preferred(prefer);
        if (wait.isEmpty()) {
            return ResponseEntity.accepted().location(location).body(processing);
        }
        // built here: the wait's matcher runs on another thread, without the request
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path(ExportResource.downloadPath(id)).toUriString();
        Optional<ExportResource> outcome = waits.first(id, v.version(), wait.get(), event -> {
            if (event.getPayload() instanceof ExportCompleted c) {
                return new ExportResource(id, "completed", v.format(), 100, megabytes(c.sizeBytes()), url, Instant.parse(c.expiresAt()),
                        v.createdAt(), null);
            }
            if (event.getPayload() instanceof ExportFailed f) {
                return new ExportResource(id, "failed", v.format(), null, null, null, null, v.createdAt(), f.reason());
            }
            return null;
        });
        return ResponseEntity.status(outcome.isPresent() ? HttpStatus.OK : HttpStatus.ACCEPTED).location(location)
                .header("Preference-Applied", "wait=" + wait.get().toSeconds())
                .body(outcome.orElse(processing));
    }

    static double megabytes(long bytes) {
        return Math.round(bytes / (1024.0 * 1024.0) * 100) / 100.0;
    }

}
