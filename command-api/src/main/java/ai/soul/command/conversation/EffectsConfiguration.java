package ai.soul.command.conversation;

import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationLimits;
import ai.soul.domain.conversation.ReplyEffect;
import ai.soul.domain.conversation.SummaryEffect;
import ai.soul.domain.export.ExportEffect;
import ai.soul.domain.export.ExportRenderer;
import ai.soul.edge.Ids;
import ai.soul.edge.attachment.AttachmentLimits;
import ai.soul.edge.background.BackgroundThreads;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

import java.time.Clock;
import java.time.Duration;

/**
 * The effect handlers (replies, summaries and exports), each a tracking processor over the event store with
 * its token in the same token store as the Kafka publisher's. A processor that starts without a
 * token starts at the head of the store: an existing history gets no replies to old messages. Their
 * threads are {@link BackgroundThreads}: nobody's request waits on them, so requests get the CPU first.
 */
@Configuration(proxyBeanMethods = false)
class EffectsConfiguration {

    /** Calls to the AI port: {@link AiPort.AiUnavailable} is tried again with exponential backoff, anything else is final. */
    @Bean
    RetryTemplate aiRetries(@Value("${soul.effects.retry.attempts:3}") int attempts,
                            @Value("${soul.effects.retry.delay:200ms}") Duration delay,
                            @Value("${soul.effects.retry.max-delay:2s}") Duration maxDelay) {
        return new RetryTemplate(RetryPolicy.builder().maxRetries(Math.max(0, attempts - 1)).delay(delay).multiplier(2)
                .maxDelay(maxDelay).includes(AiPort.AiUnavailable.class).build());
    }

    /** Also a parameter of the conversation's command handlers (Axon resolves it as a bean). */
    @Bean
    ConversationLimits conversationLimits(@Value("${soul.conversations.max-initial-messages:1000}") int initialMessages,
                                          @Value("${soul.conversations.transcript-turns:200}") int transcriptTurns,
                                          @Value("${soul.conversations.transcript-chars:100000}") int transcriptChars) {
        return new ConversationLimits(initialMessages, transcriptTurns, transcriptChars);
    }

    @Bean
    ReplyEffect replyEffect(EventStore eventStore, CommandGateway commands, AiPort ai, RetryTemplate aiRetries, ConversationLimits limits) {
        return new ReplyEffect(eventStore, commands, ai, aiRetries, () -> Ids.next("msg"), limits);
    }

    @Bean
    SummaryEffect summaryEffect(EventStore eventStore, CommandGateway commands, AiPort ai, RetryTemplate aiRetries,
                                ConversationLimits limits) {
        return new SummaryEffect(eventStore, commands, ai, aiRetries, limits);
    }

    /** Exports are kept {@code soul.exports.ttl} after they complete; their files count against the account's storage quota. */
    @Bean
    ExportEffect exportEffect(CommandGateway commands, ExportRenderer renderer, ExportEffect.Renderers renderers,
                              AttachmentLimits limits, @Value("${soul.exports.ttl:7d}") Duration ttl) {
        return new ExportEffect(commands, renderer, renderers, Clock.systemUTC(), ttl, limits.accountQuota().toBytes());
    }

    @Autowired
    void processors(EventProcessingConfigurer processing, @Value("${soul.effects.threads:2}") int threads) {
        for (String group : new String[]{ReplyEffect.GROUP, SummaryEffect.GROUP}) {
            processing.registerTrackingEventProcessor(group, c -> c.eventStore(),
                    c -> TrackingEventProcessorConfiguration.forParallelProcessing(threads)
                            .andInitialSegmentsCount(threads)
                            .andInitialTrackingToken(StreamableMessageSource::createHeadToken)
                            .andThreadFactory(BackgroundThreads::named));
        }
        // its handlers only hand requests to the renderers' threads and give back what finished exports held,
        // so one thread keeps up; a failure (the store or the command bus) is retried with the event, not skipped
        processing.registerTrackingEventProcessor(ExportEffect.GROUP, c -> c.eventStore(),
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andInitialTrackingToken(StreamableMessageSource::createHeadToken)
                                .andThreadFactory(BackgroundThreads::named))
                .registerListenerInvocationErrorHandler(ExportEffect.GROUP, c -> PropagatingErrorHandler.instance());
    }
}
