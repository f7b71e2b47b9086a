package ai.soul.domain.export;

import ai.soul.domain.export.ExportCommands.DequeueExport;
import ai.soul.domain.export.ExportCommands.RequestExport;
import ai.soul.schemas.export.ExportDequeued;
import ai.soul.schemas.export.ExportQueued;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.LinkedHashSet;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.createNew;

/**
 * One account's open exports, those waiting for a renderer or rendering, in the order requested.
 * Every request is decided here, one at a time per account, so the bound on open exports holds
 * under concurrent requests; the export itself is created in the same unit of work, so a request is
 * either queued and created or neither. An export leaves when it completes, fails or is deleted.
 */
@Aggregate(cache = "aggregateCache")
class ExportQueue {

    @AggregateIdentifier
    private String id;
    private final Set<String> open = new LinkedHashSet<>();

    ExportQueue() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    ExportView handle(RequestExport cmd) throws Exception {
        Export.check(cmd);
        if (open.size() >= cmd.maxOpen()) {
            throw new ExportQueueFull(open.size(), cmd.maxOpen());
        }
        apply(new ExportQueued(cmd.accountId(), cmd.exportId()));
        return createNew(Export.class, () -> new Export(cmd)).invoke(Export::view);
    }

    @CommandHandler
    void handle(DequeueExport cmd) {
        if (open.contains(cmd.exportId())) {
            apply(new ExportDequeued(cmd.accountId(), cmd.exportId()));
        }
    }

    @EventSourcingHandler
    void on(ExportQueued e) {
        id = ExportCommands.queueOf(e.accountId());
        open.add(e.exportId());
    }

    @EventSourcingHandler
    void on(ExportDequeued e) {
        open.remove(e.exportId());
    }
}
