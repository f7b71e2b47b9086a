package ai.soul.domain.export;

import ai.soul.domain.Checks;
import ai.soul.domain.Conflict;
import ai.soul.domain.NotFound;
import ai.soul.domain.export.ExportCommands.CheckProcessing;
import ai.soul.domain.export.ExportCommands.CompleteExport;
import ai.soul.domain.export.ExportCommands.DeleteExport;
import ai.soul.domain.export.ExportCommands.ExpireExport;
import ai.soul.domain.export.ExportCommands.FailExport;
import ai.soul.domain.export.ExportCommands.RecordExportProgress;
import ai.soul.domain.export.ExportCommands.RequestExport;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportDeleted;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportFailed;
import ai.soul.schemas.export.ExportProgressed;
import ai.soul.schemas.export.ExportRequested;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** One export: processing until its file is written (completed) or it fails; a completed one expires once; the account may delete it. */
@Aggregate(cache = "aggregateCache")
class Export {

    static final Set<String> FORMATS = Set.of("json", "csv", "md", "pdf");
    static final int MAX_REASON = 1000;

    enum Status { PROCESSING, COMPLETED, FAILED, EXPIRED, DELETED }

    @AggregateIdentifier
    private String id;
    private String accountId;
    private Status status;
    private int progress;
    private String fileId;
    private String format;
    private Instant createdAt;
    /** The sequence number of the last event. */
    private long version;

    Export() {
    }

    /** Created by the account's export queue ({@link ExportQueue}), which checked the request first. */
    Export(RequestExport cmd) {
        apply(new ExportRequested(cmd.exportId(), cmd.accountId(), cmd.format(), cmd.dateFrom(), cmd.dateTo(),
                cmd.includeAttachments()));
    }

    /** The rules of a request: a known format, real days, in order. */
    static void check(RequestExport cmd) {
        Checks checks = new Checks()
                .required("format", cmd.format(), "Format is required")
                .oneOf("format", cmd.format(), FORMATS);
        LocalDate from = day(checks, "filters.date_from", cmd.dateFrom());
        LocalDate to = day(checks, "filters.date_to", cmd.dateTo());
        if (from != null && to != null && from.isAfter(to)) {
            checks.add("filters.date_from", "date_from must be on or before date_to");
        }
        checks.orThrow();
    }

    ExportView view() {
        return new ExportView(id, format, createdAt, 0);
    }

    /** A real calendar day as YYYY-MM-DD (2024-02-30 is not one), or null when absent. */
    private static LocalDate day(Checks checks, String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value);
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        checks.add(field, field.substring(field.indexOf('.') + 1) + " must be a date as YYYY-MM-DD");
        return null;
    }

    @CommandHandler
    void handle(CheckProcessing cmd) {
        requireProcessing();
    }

    @CommandHandler
    void handle(RecordExportProgress cmd) {
        if (status != Status.PROCESSING) {
            throw new Conflict("Export " + id + " is " + status.name().toLowerCase() + ", not processing");
        }
        if (cmd.progress() < 0 || cmd.progress() > 100) {
            new Checks().add("progress", "progress must be between 0 and 100").orThrow();
        }
        if (cmd.progress() <= progress) {
            throw new Conflict("Export " + id + " is at " + progress + "%; progress never goes back");
        }
        apply(new ExportProgressed(id, accountId, cmd.progress()));
    }

    @CommandHandler
    void handle(CompleteExport cmd) {
        requireProcessing();
        apply(new ExportCompleted(id, accountId, cmd.fileId(), cmd.fileName(), cmd.contentType(), cmd.sizeBytes(),
                cmd.conversations(), cmd.expiresAt().toString()));
    }

    @CommandHandler
    void handle(FailExport cmd) {
        requireProcessing();
        String reason = cmd.reason() == null || cmd.reason().isBlank() ? "Failed" : cmd.reason();
        apply(new ExportFailed(id, accountId, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason));
    }

    @CommandHandler
    void handle(ExpireExport cmd) {
        if (status != Status.COMPLETED) {
            throw new Conflict("Export " + id + " is " + status.name().toLowerCase() + "; only a completed export expires");
        }
        apply(new ExportExpired(id, accountId, fileId));
    }

    /**
     * In any state but deleted: a completed export's file goes with it, a processing one's render is
     * refused when it finishes. Another account's export, or a deleted one, is not found. Answers the
     * export's version after the deletion.
     */
    @CommandHandler
    long handle(DeleteExport cmd) {
        if (!accountId.equals(cmd.accountId()) || status == Status.DELETED) {
            throw new NotFound("Export " + id);
        }
        apply(new ExportDeleted(id, accountId, status == Status.COMPLETED ? fileId : null));
        return version;
    }

    /** It finishes once: completed or failed, never both, never twice. */
    private void requireProcessing() {
        if (status != Status.PROCESSING) {
            throw new Conflict("Export " + id + " is " + status.name().toLowerCase() + " already");
        }
    }

    @EventSourcingHandler
    void on(ExportRequested e, @Timestamp Instant at, @SequenceNumber long seq) {
        version = seq;
        id = e.exportId();
        format = e.format();
        createdAt = at;
        accountId = e.accountId();
        status = Status.PROCESSING;
    }

    @EventSourcingHandler
    void on(ExportProgressed e, @SequenceNumber long seq) {
        version = seq;
        progress = e.progress();
    }

    @EventSourcingHandler
    void on(ExportCompleted e, @SequenceNumber long seq) {
        version = seq;
        status = Status.COMPLETED;
        progress = 100;
        fileId = e.fileId();
    }

    @EventSourcingHandler
    void on(ExportFailed e, @SequenceNumber long seq) {
        version = seq;
        status = Status.FAILED;
    }

    @EventSourcingHandler
    void on(ExportExpired e, @SequenceNumber long seq) {
        version = seq;
        status = Status.EXPIRED;
    }

    @EventSourcingHandler
    void on(ExportDeleted e, @SequenceNumber long seq) {
        version = seq;
        status = Status.DELETED;
    }
}
