package ai.soul.command.attachment;

import ai.soul.domain.attachment.AttachmentBytes;
import ai.soul.domain.attachment.AttachmentFiles;
import ai.soul.edge.Ids;
import ai.soul.edge.attachment.AttachmentLimits;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The attachments' files process, on GridFS and the account's quota; its clean-up of deleted
 * attachments is a tracking processor over the event store that retries a failure with the event.
 */
@Configuration(proxyBeanMethods = false)
class AttachmentConfiguration {

    @Bean
    AttachmentFiles attachmentFiles(CommandGateway commands, AttachmentBytes bytes, AttachmentLimits limits) {
        return new AttachmentFiles(commands, bytes, () -> Ids.next("att"), limits.accountQuota().toBytes());
    }

    @Autowired
    void cleanup(EventProcessingConfigurer processing) {
        processing.registerTrackingEventProcessor(AttachmentFiles.GROUP, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing())
                .registerListenerInvocationErrorHandler(AttachmentFiles.GROUP, c -> PropagatingErrorHandler.instance());
    }
}
