package ai.soul.domain.conversation;

import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationCommands.RecordSummary;
import ai.soul.domain.conversation.ConversationCommands.RecordSummaryFailure;
import ai.soul.schemas.conversation.SummaryRequested;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.core.retry.RetryTemplate;

/**
 * The process that writes summaries: SummaryRequested → the AI port → RecordSummary (or
 * RecordSummaryFailure once the retries are spent), with the conversation's model.
 */
@ProcessingGroup(SummaryEffect.GROUP)
public class SummaryEffect {

    public static final String GROUP = "summaries";
    private static final System.Logger log = System.getLogger(SummaryEffect.class.getName());

    private final EventStore events;
    private final CommandGateway commands;
    private final AiPort ai;
    private final RetryTemplate retries;
    private final ConversationLimits limits;

    public SummaryEffect(EventStore events, CommandGateway commands, AiPort ai, RetryTemplate retries, ConversationLimits limits) {
        this.events = events;
        this.commands = commands;
        this.ai = ai;
        this.retries = retries;
        this.limits = limits;
    }

    @EventHandler
    void on(SummaryRequested e) {
        Transcript t = Transcript.read(events, e.conversationId(), null, limits);
        var request = new AiPort.SummaryRequest(t.llmId(), t.title(), t.context(), t.turns(), e.language(), e.style());
        var outcome = Effects.call(retries, () -> ai.summarize(request));
        Object command;
        if (outcome.result() != null) {
            AiPort.Summary s = outcome.result();
            command = new RecordSummary(e.conversationId(), e.summaryId(), s.title(), s.content(), s.sentiment(),
                    s.sentimentScore(), s.topics(), s.actionItems(), s.model(), s.promptTokens(), s.completionTokens());
        } else {
            log.log(System.Logger.Level.WARNING, "No summary {0} after {1} attempts: {2}",
                    e.summaryId(), outcome.attempts(), outcome.failure());
            command = new RecordSummaryFailure(e.conversationId(), e.summaryId(), outcome.failure(), outcome.attempts());
        }
        try {
            commands.sendAndWait(command);
        } catch (AggregateNotFoundException deleted) {
            // deleted meanwhile: the summary has nothing left to describe
        }
    }
}
