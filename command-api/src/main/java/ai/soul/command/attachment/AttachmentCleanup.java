package ai.soul.command.attachment;

import ai.soul.domain.account.AccountCommands.ReleaseStorage;
import ai.soul.schemas.conversation.AttachmentDeleted;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * Every deleted attachment gives its storage back and loses its bytes, whichever way it was
 * deleted (on its own, or with its conversation). A tracking processor over the event store: it
 * resumes where it stopped after a crash and retries a failure, and both steps are idempotent.
 */
@Component
@ProcessingGroup(AttachmentCleanup.GROUP)
class AttachmentCleanup {

    static final String GROUP = "attachment-cleanup";

    private final CommandGateway gateway;
    private final AttachmentStorage storage;

    AttachmentCleanup(CommandGateway gateway, AttachmentStorage storage) {
        this.gateway = gateway;
        this.storage = storage;
    }

    @EventHandler
    void on(AttachmentDeleted e) {
        gateway.sendAndWait(new ReleaseStorage(e.accountId(), e.attachmentId()));
        storage.discard(e.attachmentId());
    }

    @Configuration(proxyBeanMethods = false)
    static class Processor {
        @Autowired
        void configure(EventProcessingConfigurer processing) {
            processing.registerTrackingEventProcessor(GROUP, c -> c.eventStore(),
                            c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing())
                    .registerListenerInvocationErrorHandler(GROUP, c -> PropagatingErrorHandler.instance());
        }
    }
}
