package ai.soul.domain.conversation;

import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReply;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReplyFailure;
import ai.soul.domain.conversation.ConversationCommands.RecordSummary;
import ai.soul.domain.conversation.ConversationCommands.RecordSummaryFailure;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryRequested;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The effect handlers between a real event store and command bus (in memory) and an AI port
 * written for the test: the port is an external service, so here it answers as each case needs.
 */
class EffectsTest {

    static final String ID = "conv_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String OWNER = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String MSG = "msg_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String SUMMARY = "summary_01JAAAAAAAAAAAAAAAAAAAAAAA";

    /** Three attempts, a millisecond apart: the policy of production, only faster. */
    static final RetryTemplate RETRIES = new RetryTemplate(RetryPolicy.builder().maxRetries(2).delay(Duration.ofMillis(1))
            .multiplier(2).maxDelay(Duration.ofMillis(4)).includes(AiPort.AiUnavailable.class).build());

    private final List<Object> sent = new ArrayList<>();
    private EventStore events;
    private DefaultCommandGateway gateway;
    private long seq;

    @BeforeEach
    void setUp() {
        events = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        for (Class<?> type : List.of(RecordAgentReply.class, RecordAgentReplyFailure.class, RecordSummary.class,
                RecordSummaryFailure.class)) {
            bus.subscribe(type.getName(), command -> {
                sent.add(command.getPayload());
                return null;
            });
        }
        gateway = DefaultCommandGateway.builder().commandBus(bus).build();
    }

    /** An AI port whose answers come from {@code behaviour}, counting calls and keeping the last request. */
    static final class ScriptedAi implements AiPort {
        final Function<Integer, Object> behaviour;
        int calls;
        Object lastRequest;

        ScriptedAi(Function<Integer, Object> behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public List<Model> models() {
            return List.of(new Model("m1", "m1", "llm", 1000, 0, "test"));
        }

        @Override
        public Reply reply(ReplyRequest request) {
            lastRequest = request;
            return (Reply) answer();
        }

        @Override
        public Summary summarize(SummaryRequest request) {
            lastRequest = request;
            return (Summary) answer();
        }

        private Object answer() {
            Object result = behaviour.apply(++calls);
            if (result instanceof RuntimeException e) {
                throw e;
            }
            return result;
        }
    }

    private void given(Object... payloads) {
        for (Object payload : payloads) {
            events.publish(new GenericDomainEventMessage<>("Conversation", ID, seq++, payload));
        }
    }

    /** The sequence number of the reply request in {@link #history}, right after the message it answers. */
    static final long REQUEST_SEQ = 5;

    private void history(String llmId) {
        given(new ConversationCreated(ID, OWNER, "Launch plan", "We ship on Monday.", "api", Map.of(), "Be brief.", llmId, null),
                new ConversationUpdated(ID, OWNER, "Launch plan v2", null, null, null, null, null),
                new MessagePosted(ID, OWNER, "msg_0", 0, "user", "When do we ship?"),
                new AgentReplied(ID, OWNER, "msg_1", 1, "msg_0", "On Monday.", "m1", null, 1, 1),
                new MessagePosted(ID, OWNER, MSG, 2, "user", "Who tests it?"),
                new AgentReplyRequested(ID, OWNER, MSG, null, true),
                new MessagePosted(ID, OWNER, "msg_later", 3, "user", "A later question"));
    }

    private ReplyEffect replies(AiPort ai) {
        return new ReplyEffect(events, gateway, ai, RETRIES, () -> "msg_reply", ConversationLimits.DEFAULTS);
    }

    @Test
    void aReplyIsWrittenFromTheTranscriptUpToTheMessageWithTheConversationsModel() {
        history("conv-model");
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.Reply("QA tests it.", "because", "conv-model", 20, 3));
        replies(ai).on(new AgentReplyRequested(ID, OWNER, MSG, null, true), REQUEST_SEQ);

        AiPort.ReplyRequest request = (AiPort.ReplyRequest) ai.lastRequest;
        assertThat(request.model()).isEqualTo("conv-model");
        assertThat(request.title()).isEqualTo("Launch plan v2");
        assertThat(request.context()).isEqualTo("We ship on Monday.");
        assertThat(request.systemPrompt()).isEqualTo("Be brief.");
        assertThat(request.verbose()).isTrue();
        assertThat(request.turns()).containsExactly(new AiPort.Turn("user", "When do we ship?"),
                new AiPort.Turn("agent", "On Monday."), new AiPort.Turn("user", "Who tests it?"));
        assertThat(sent).containsExactly(new RecordAgentReply(ID, "msg_reply", MSG, "QA tests it.", "conv-model", "because", 20, 3));
    }

    @Test
    void theMessagesModelWinsAndReasoningIsDroppedUnlessVerbose() {
        history("conv-model");
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.Reply("QA.", "because", "m1", 20, 3));
        replies(ai).on(new AgentReplyRequested(ID, OWNER, MSG, "m1", false), REQUEST_SEQ);
        assertThat(((AiPort.ReplyRequest) ai.lastRequest).model()).isEqualTo("m1");
        assertThat(sent).containsExactly(new RecordAgentReply(ID, "msg_reply", MSG, "QA.", "m1", null, 20, 3));
    }

    @Test
    void noModelAnywhereMeansTheAdaptersDefault() {
        history(null);
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.Reply("QA.", null, "default", 1, 1));
        replies(ai).on(new AgentReplyRequested(ID, OWNER, MSG, null, false), REQUEST_SEQ);
        assertThat(((AiPort.ReplyRequest) ai.lastRequest).model()).isNull();
    }

    @Test
    void anUnavailableProviderIsTriedAgainUntilItAnswers() {
        history(null);
        ScriptedAi ai = new ScriptedAi(n -> n < 3 ? new AiPort.AiUnavailable("timeout", null) : new AiPort.Reply("QA.", null, "m1", 1, 1));
        replies(ai).on(new AgentReplyRequested(ID, OWNER, MSG, null, false), REQUEST_SEQ);
        assertThat(ai.calls).isEqualTo(3);
        assertThat(sent).singleElement().isInstanceOf(RecordAgentReply.class);
    }

    @Test
    void afterTheLastAttemptTheFailureIsRecordedWithTheReasonAndAttempts() {
        history(null);
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.AiUnavailable("connection refused", null));
        replies(ai).on(new AgentReplyRequested(ID, OWNER, MSG, null, false), REQUEST_SEQ);
        assertThat(ai.calls).isEqualTo(3);
        assertThat(sent).containsExactly(new RecordAgentReplyFailure(ID, MSG, "AI provider unavailable: connection refused", 3));
    }

    @Test
    void anUnknownModelFailsAtOnce() {
        history(null);
        ScriptedAi ai = new ScriptedAi(n -> new IllegalArgumentException("Unknown model gpt-17"));
        replies(ai).on(new AgentReplyRequested(ID, OWNER, MSG, "gpt-17", false), REQUEST_SEQ);
        assertThat(ai.calls).isEqualTo(1);
        assertThat(sent).containsExactly(new RecordAgentReplyFailure(ID, MSG, "Refused: Unknown model gpt-17", 1));
    }

    @Test
    void aSummaryIsWrittenFromTheWholeConversationInTheRequestedLanguageAndStyle() {
        history("conv-model");
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.Summary("Launch", "- We ship on Monday.", "neutral", 0.0,
                List.of("launch"), List.of("Test it"), "conv-model", 30, 8));
        new SummaryEffect(events, gateway, ai, RETRIES, ConversationLimits.DEFAULTS).on(new SummaryRequested(ID, OWNER, SUMMARY, "de", "bullet"));

        AiPort.SummaryRequest request = (AiPort.SummaryRequest) ai.lastRequest;
        assertThat(request.model()).isEqualTo("conv-model");
        assertThat(request.language()).isEqualTo("de");
        assertThat(request.style()).isEqualTo("bullet");
        assertThat(request.turns()).hasSize(4).last().isEqualTo(new AiPort.Turn("user", "A later question"));
        assertThat(sent).containsExactly(new RecordSummary(ID, SUMMARY, "Launch", "- We ship on Monday.", "neutral", 0.0,
                List.of("launch"), List.of("Test it"), "conv-model", 30, 8));
    }

    @Test
    void aSummaryThatCannotBeWrittenIsRecordedAsFailed() {
        history(null);
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.AiUnavailable("503", null));
        new SummaryEffect(events, gateway, ai, RETRIES, ConversationLimits.DEFAULTS).on(new SummaryRequested(ID, OWNER, SUMMARY, "en", "concise"));
        assertThat(sent).containsExactly(new RecordSummaryFailure(ID, SUMMARY, "AI provider unavailable: 503", 3));
    }

    @Test
    void aReplyReadsOnlyTheLastTurnsOfALongConversationWithinTheCharacterBound() {
        given(new ConversationCreated(ID, OWNER, "Long", null, "api", Map.of(), null, null, null));
        for (int i = 0; i < 500; i++) {
            given(new MessagePosted(ID, OWNER, "msg_" + i, i, "user", "message number " + i));
        }
        long requestSeq = seq;
        given(new AgentReplyRequested(ID, OWNER, "msg_499", null, false));
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.Reply("ok", null, "m1", 1, 1));
        new ReplyEffect(events, gateway, ai, RETRIES, () -> "msg_reply", new ConversationLimits(10, 3, 1_000))
                .on(new AgentReplyRequested(ID, OWNER, "msg_499", null, false), requestSeq);

        assertThat(((AiPort.ReplyRequest) ai.lastRequest).turns()).containsExactly(new AiPort.Turn("user", "message number 497"),
                new AiPort.Turn("user", "message number 498"), new AiPort.Turn("user", "message number 499"));
    }

    @Test
    void aSummaryKeepsTheLatestTurnsThatFitInTheCharacterBoundAndCutsALastOneThatAloneIsTooLong() {
        given(new ConversationCreated(ID, OWNER, "Long", null, "api", Map.of(), null, null, null),
                new MessagePosted(ID, OWNER, "msg_0", 0, "user", "a".repeat(30)),
                new MessagePosted(ID, OWNER, "msg_1", 1, "user", "b".repeat(30)),
                new MessagePosted(ID, OWNER, "msg_2", 2, "user", "c".repeat(30)));
        ScriptedAi ai = new ScriptedAi(n -> new AiPort.Summary("t", "c", "neutral", 0.0, List.of(), List.of(), "m1", 1, 1));
        new SummaryEffect(events, gateway, ai, RETRIES, new ConversationLimits(10, 10, 70)).on(new SummaryRequested(ID, OWNER, SUMMARY, "en", "concise"));
        assertThat(((AiPort.SummaryRequest) ai.lastRequest).turns()).extracting(AiPort.Turn::content)
                .containsExactly("b".repeat(30), "c".repeat(30));

        new SummaryEffect(events, gateway, ai, RETRIES, new ConversationLimits(10, 10, 20)).on(new SummaryRequested(ID, OWNER, SUMMARY, "en", "concise"));
        assertThat(((AiPort.SummaryRequest) ai.lastRequest).turns()).extracting(AiPort.Turn::content).containsExactly("c".repeat(20));
    }
}
