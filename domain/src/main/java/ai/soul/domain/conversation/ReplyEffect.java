package ai.soul.domain.conversation;

import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReply;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReplyFailure;
import ai.soul.schemas.conversation.AgentReplyRequested;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.core.retry.RetryTemplate;

import java.util.function.Supplier;

/**
 * The process that answers user messages: AgentReplyRequested → the AI port → RecordAgentReply
 * (or RecordAgentReplyFailure once the retries are spent). The model is the message's, else the
 * conversation's, else the adapter's default. Redelivery is harmless: the aggregate records one
 * outcome per message.
 */
@ProcessingGroup(ReplyEffect.GROUP)
public class ReplyEffect {

    public static final String GROUP = "agent-replies";
    private static final System.Logger log = System.getLogger(ReplyEffect.class.getName());

    private final EventStore events;
    private final CommandGateway commands;
    private final AiPort ai;
    private final RetryTemplate retries;
    private final Supplier<String> messageIds;
    private final ConversationLimits limits;

    public ReplyEffect(EventStore events, CommandGateway commands, AiPort ai, RetryTemplate retries, Supplier<String> messageIds,
                       ConversationLimits limits) {
        this.events = events;
        this.commands = commands;
        this.ai = ai;
        this.retries = retries;
        this.messageIds = messageIds;
        this.limits = limits;
    }

    /** The request comes right after the message it answers (sequence {@code seq - 1}), so that is where the transcript ends. */
    @EventHandler
    void on(AgentReplyRequested e, @SequenceNumber long seq) {
        Transcript t = Transcript.read(events, e.conversationId(), seq - 1, limits);
        String model = e.llmId() != null ? e.llmId() : t.llmId();
        var request = new AiPort.ReplyRequest(model, t.systemPrompt(), t.title(), t.context(), t.turns(), e.verbose());
        var outcome = Effects.call(retries, () -> ai.reply(request));
        Object command;
        if (outcome.result() != null) {
            AiPort.Reply r = outcome.result();
            command = new RecordAgentReply(e.conversationId(), messageIds.get(), e.inReplyTo(), r.content(), r.model(),
                    e.verbose() ? r.reasoning() : null, r.promptTokens(), r.completionTokens());
        } else {
            log.log(System.Logger.Level.WARNING, "No reply to {0} after {1} attempts: {2}",
                    e.inReplyTo(), outcome.attempts(), outcome.failure());
            command = new RecordAgentReplyFailure(e.conversationId(), e.inReplyTo(), outcome.failure(), outcome.attempts());
        }
        try {
            commands.sendAndWait(command);
        } catch (AggregateNotFoundException deleted) {
            // deleted meanwhile (AggregateDeletedException is one): nobody is left to read the reply
        }
    }
}
