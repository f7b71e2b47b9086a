package ai.soul.domain.conversation;

import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReply;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReplyFailure;
import ai.soul.domain.conversation.ConversationCommands.RecordSummary;
import ai.soul.domain.conversation.ConversationCommands.RecordSummaryFailure;
import ai.soul.domain.conversation.ConversationCommands.RequestSummary;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.domain.conversation.ConversationCommands.CreateConversation;
import ai.soul.domain.conversation.ConversationCommands.DeleteConversation;
import ai.soul.domain.conversation.ConversationCommands.InitialMessage;
import ai.soul.domain.conversation.ConversationCommands.PostMessage;
import ai.soul.domain.conversation.ConversationCommands.UpdateConversation;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

class ConversationTest {

    static final String ID = "conv_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String OWNER = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String STRANGER = "usr_01JBBBBBBBBBBBBBBBBBBBBBBB";
    static final String MSG = "msg_01JAAAAAAAAAAAAAAAAAAAAAAA";

    private AggregateTestFixture<Conversation> fixture;

    static final String SUMMARY = "summary_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String SUMMARY_2 = "summary_01JCCCCCCCCCCCCCCCCCCCCCCC";
    static final String REPLY = "msg_01JRRRRRRRRRRRRRRRRRRRRRRR";

    /** The catalogue the llm_id rule checks against: one language model and one image model. */
    static final AiPort CATALOGUE = new AiPort() {
        @Override
        public List<Model> models() {
            return List.of(new Model("local-extractive-1", "Local", "llm", 8192, 0, "local"),
                    new Model("sdxl", "Images", "sd", 0, 0, "local"));
        }

        @Override
        public Reply reply(ReplyRequest request) {
            throw new UnsupportedOperationException("commands never call the model");
        }

        @Override
        public Summary summarize(SummaryRequest request) {
            throw new UnsupportedOperationException("commands never call the model");
        }
    };

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Conversation.class);
        fixture.registerInjectableResource(CATALOGUE);
        fixture.registerInjectableResource(new ConversationLimits(3, 200, 100_000));
    }

    static SummaryRequested firstSummary() {
        return new SummaryRequested(ID, OWNER, SUMMARY, "en", "concise");
    }

    static SummaryGenerated generated(String summaryId) {
        return new SummaryGenerated(ID, OWNER, summaryId, "Q1 goals", "Discussion about Q1 goals.", "neutral", 0.0,
                List.of("goals"), List.of(), "local-extractive-1", "en", "concise", 10, 5);
    }

    static MessagePosted posted(String messageId, int index) {
        return new MessagePosted(ID, OWNER, messageId, index, "user", "What are the goals?");
    }

    static RecordAgentReply reply(String inReplyTo) {
        return new RecordAgentReply(ID, REPLY, inReplyTo, "The goals are in the notes.", "local-extractive-1", null, 12, 7);
    }

    static ConversationCreated created() {
        return new ConversationCreated(ID, OWNER, "Meeting notes", "Discussion about Q1 goals", "api",
                Map.of("participants", List.of("john@example.com")), null, null, null);
    }

    static CreateConversation create(String title, String content, String source) {
        return new CreateConversation(ID, OWNER, title, content, source,
                Map.of("participants", List.of("john@example.com")), null, null, null, null);
    }

    @Test
    void createsAConversationAndAnswersWithIt() {
        fixture.givenNoPriorActivity()
                .when(create("  Meeting notes ", "Discussion about Q1 goals", "api"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(created(), firstSummary())
                .expectResultMessagePayloadMatching(new CustomMatcher<>("a view of the new conversation") {
                    @Override
                    public boolean matches(Object item) {
                        ConversationView v = (ConversationView) item;
                        return v.id().equals(ID) && v.title().equals("Meeting notes") && v.status().equals("processing")
                                && v.summary() == null && v.version() == 1 && v.createdAt() != null;
                    }
                });
    }

    @Test
    void sourceDefaultsToApi() {
        fixture.givenNoPriorActivity()
                .when(create("Meeting notes", "Discussion about Q1 goals", null))
                .expectEvents(created(), firstSummary());
    }

    @Test
    void initialMessagesArePostedInOrder() {
        var cmd = new CreateConversation(ID, OWNER, "Meeting notes", null, "email", null, null, null, null,
                List.of(new InitialMessage("msg_1", null, "Hello"), new InitialMessage("msg_2", "agent", "Hi, how can I help?")));
        fixture.givenNoPriorActivity()
                .when(cmd)
                .expectEvents(new ConversationCreated(ID, OWNER, "Meeting notes", null, "email", Map.of(), null, null, null),
                        new MessagePosted(ID, OWNER, "msg_1", 0, "user", "Hello"),
                        new MessagePosted(ID, OWNER, "msg_2", 1, "agent", "Hi, how can I help?"),
                        firstSummary());
    }

    @Test
    void titleIsRequiredAndEveryBrokenFieldIsReported() {
        fixture.givenNoPriorActivity()
                .when(create(" ", "x".repeat(10_001), "fax"))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [title, content, source]");
    }

    @Test
    void contentOfExactlyTenThousandCharactersIsAccepted() {
        fixture.givenNoPriorActivity()
                .when(create("Long", "x".repeat(10_000), "api"))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void titleLongerThanTwoHundredCharactersIsRefused() {
        fixture.givenNoPriorActivity()
                .when(create("t".repeat(201), null, "api"))
                .expectNoEvents()
                .expectException(RuleViolation.class);
    }

    @Test
    void brokenInitialMessagesAreReportedByPosition() {
        var cmd = new CreateConversation(ID, OWNER, "Import", null, "api", null, null, null, null,
                List.of(new InitialMessage("msg_1", "robot", "")));
        fixture.givenNoPriorActivity()
                .when(cmd)
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [messages[0].content, messages[0].role]");
    }

    @Test
    void updateMergesMetadataAndAnswersWithTheResult() {
        Map<String, Object> patch = new HashMap<>();
        patch.put("reviewed", true);
        patch.put("participants", null);
        fixture.given(created())
                .when(new UpdateConversation(ID, OWNER, "Updated meeting notes", null, patch, null, null, null))
                .expectEvents(new ConversationUpdated(ID, OWNER, "Updated meeting notes", null, patch, null, null, null))
                .expectResultMessagePayloadMatching(new CustomMatcher<>("merged metadata") {
                    @Override
                    public boolean matches(Object item) {
                        ConversationView v = (ConversationView) item;
                        return v.title().equals("Updated meeting notes") && v.metadata().equals(Map.of("reviewed", true))
                                && v.version() == 1;
                    }
                });
    }

    @Test
    void metadataKeysMustBePlainFieldNames() {
        fixture.given(created())
                .when(new UpdateConversation(ID, OWNER, null, null, Map.of("a.b", 1, "$where", 2), null, null, null))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [metadata]");
    }

    /** What a read model, the log and the index could not store is refused where the command is decided. */
    @Test
    void metadataEveryConsumerCannotStoreIsRefused() {
        Map<String, Object> nested = new HashMap<>(Map.of("ok", 1));
        Map<String, Object> deep = nested;
        for (int i = 0; i < 6; i++) {
            Map<String, Object> inner = new HashMap<>();
            deep.put("d", inner);
            deep = inner;
        }
        List<Map<String, Object>> refused = List.of(
                Map.of("n", new java.math.BigInteger("123456789012345678901234567890")),
                Map.of("a\u0000b", "x"),
                Map.of("a", Map.of("b.c", 1)),
                Map.of("a", List.of(Map.of("$set", 1))),
                Map.of("x", Double.POSITIVE_INFINITY),
                Map.of("x", "\uD800"),
                Map.of("x\uDC00", "y"),
                Map.of("k", "x".repeat(ai.soul.domain.FreeFormJson.MAX_BYTES)),
                nested);
        for (Map<String, Object> metadata : refused) {
            fixture.givenNoPriorActivity()
                    .when(new CreateConversation(ID, OWNER, "t", null, null, metadata, null, null, null, null))
                    .expectNoEvents()
                    .expectException(RuleViolation.class)
                    .expectExceptionMessage("Validation failed: [metadata]");
        }
    }

    /** A 500 found by the poison round: Map.copyOf refused the null of {"metadata": {"k": null}}. */
    @Test
    void aMetadataKeyCreatedNullIsNotSetAndAnOldEventWithOneStillServes() {
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("gone", null);
        withNull.put("kept", 1);
        fixture.givenNoPriorActivity()
                .when(new CreateConversation(ID, OWNER, "t", null, null, withNull, null, null, null, null))
                .expectEvents(new ConversationCreated(ID, OWNER, "t", null, "api", Map.of("kept", 1), null, null, null),
                        new SummaryRequested(ID, OWNER, Conversation.firstSummaryId(ID), "en", "concise"));
        fixture.given(new ConversationCreated(ID, OWNER, "t", null, "api", withNull, null, null, null))
                .when(new UpdateConversation(ID, OWNER, "new title", null, null, null, null, null))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void anUpdateMayNotGrowTheMetadataPastItsBoundsEvenAKeyAtATime() {
        Map<String, Object> big = new HashMap<>(); // with created()'s one key: exactly the 100 allowed
        for (int i = 0; i < 99; i++) {
            big.put("k" + i, i);
        }
        fixture.given(created(), new ConversationUpdated(ID, OWNER, null, null, big, null, null, null))
                .when(new UpdateConversation(ID, OWNER, null, null, Map.of("one-more", 1), null, null, null))
                .expectNoEvents()
                .expectException(RuleViolation.class);
        fixture.given(created(), new ConversationUpdated(ID, OWNER, null, null, big, null, null, null))
                .when(new UpdateConversation(ID, OWNER, null, null, Map.of("k1", "changed"), null, null, null))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void removingAMetadataKeyThatNoStoreCouldHoldIsRefusedToo() {
        Map<String, Object> removal = new HashMap<>();
        removal.put("a\u0000b", null);
        fixture.given(created())
                .when(new UpdateConversation(ID, OWNER, null, null, removal, null, null, null))
                .expectNoEvents()
                .expectException(RuleViolation.class);
    }

    @Test
    void aConversationIsCreatedWithAtMostTheConfiguredNumberOfMessages() {
        List<InitialMessage> four = List.of(new InitialMessage("msg_1", "user", "a"), new InitialMessage("msg_2", "user", "b"),
                new InitialMessage("msg_3", "user", "c"), new InitialMessage("msg_4", "user", "d"));
        fixture.givenNoPriorActivity()
                .when(new CreateConversation(ID, OWNER, "t", null, null, null, null, null, null, four))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [messages]");
        fixture.givenNoPriorActivity()
                .when(new CreateConversation(ID, OWNER, "t", null, null, null, null, null, null, four.subList(0, 3)))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void everyTextFieldIsBoundedAndValidUnicode() {
        fixture.givenNoPriorActivity()
                .when(new CreateConversation(ID, OWNER, "t\uD800", "c\uDC00", null, null, "p".repeat(10_001), null,
                        "a".repeat(101), List.of(new InitialMessage("msg_1", "user", "\uD83D"))))
                .expectNoEvents()
                .expectException(new CustomMatcher<>("every field named") {
                    @Override
                    public boolean matches(Object item) {
                        return item instanceof RuleViolation v && v.fields().keySet().equals(
                                java.util.Set.of("title", "content", "system_prompt", "agent_id", "messages[0].content"));
                    }
                });
        fixture.given(created())
                .when(new PostMessage(ID, OWNER, MSG, "half a pair \uD83D", null, false))
                .expectNoEvents()
                .expectException(RuleViolation.class);
    }

    @Test
    void anEmptyUpdateChangesNothing() {
        fixture.given(created())
                .when(new UpdateConversation(ID, OWNER, null, null, null, null, null, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aBlankTitleCannotReplaceTheTitle() {
        fixture.given(created())
                .when(new UpdateConversation(ID, OWNER, "  ", null, null, null, null, null))
                .expectNoEvents()
                .expectException(RuleViolation.class);
    }

    @Test
    void anotherAccountCannotSeeOrChangeIt() {
        fixture.given(created())
                .when(new UpdateConversation(ID, STRANGER, "mine now", null, null, null, null, null))
                .expectNoEvents()
                .expectException(NotFound.class);
        fixture.given(created())
                .when(new DeleteConversation(ID, STRANGER))
                .expectNoEvents()
                .expectException(NotFound.class);
        fixture.given(created())
                .when(new PostMessage(ID, STRANGER, MSG, "hello", null, false))
                .expectNoEvents()
                .expectException(NotFound.class);
    }

    @Test
    void messagesAreNumberedInOrder() {
        fixture.given(created(), new MessagePosted(ID, OWNER, "msg_0", 0, "user", "first"))
                .when(new PostMessage(ID, OWNER, MSG, "second", null, false))
                .expectEvents(new MessagePosted(ID, OWNER, MSG, 1, "user", "second"),
                        new AgentReplyRequested(ID, OWNER, MSG, null, false))
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the posted message") {
                    @Override
                    public boolean matches(Object item) {
                        MessageView m = (MessageView) item;
                        return m.index() == 1 && m.role().equals("user") && m.version() == 2 && m.createdAt() != null;
                    }
                });
    }

    @Test
    void aMessageNeedsContentWithinTheLimit() {
        fixture.given(created())
                .when(new PostMessage(ID, OWNER, MSG, "", null, false))
                .expectNoEvents()
                .expectException(RuleViolation.class);
        fixture.given(created())
                .when(new PostMessage(ID, OWNER, MSG, "x".repeat(10_001), null, false))
                .expectNoEvents()
                .expectException(RuleViolation.class);
    }

    @Test
    void deletingAnswersWithTheVersion() {
        fixture.given(created())
                .when(new DeleteConversation(ID, OWNER))
                .expectEvents(new ConversationDeleted(ID, OWNER))
                .expectResultMessagePayload(1L);
    }

    @Test
    void aDeletedConversationTakesNoMessagesAndCannotBeDeletedAgain() {
        fixture.given(created(), new ConversationDeleted(ID, OWNER))
                .when(new PostMessage(ID, OWNER, MSG, "hello?", null, false))
                .expectNoEvents()
                .expectException(AggregateDeletedException.class);
        fixture.given(created(), new ConversationDeleted(ID, OWNER))
                .when(new DeleteConversation(ID, OWNER))
                .expectNoEvents()
                .expectException(AggregateDeletedException.class);
    }

    // --- replies

    @Test
    void aPostedMessageAsksForAReplyWithItsModelAndVerbosity() {
        fixture.given(created())
                .when(new PostMessage(ID, OWNER, MSG, "What are the goals?", "local-extractive-1", true))
                .expectEvents(posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, "local-extractive-1", true))
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the message, at its own version") {
                    @Override
                    public boolean matches(Object item) {
                        MessageView m = (MessageView) item;
                        return m.index() == 0 && m.version() == 1;
                    }
                });
    }

    @Test
    void anUnknownModelIsRefusedOnMessagesCreationAndUpdate() {
        fixture.given(created())
                .when(new PostMessage(ID, OWNER, MSG, "hi", "gpt-17", false))
                .expectNoEvents()
                .expectExceptionMessage("Validation failed: [llm_id]");
        fixture.given(created())
                .when(new PostMessage(ID, OWNER, MSG, "hi", "sdxl", false))
                .expectNoEvents()
                .expectExceptionMessage("Validation failed: [llm_id]");
        fixture.givenNoPriorActivity()
                .when(new CreateConversation(ID, OWNER, "t", null, null, null, null, "gpt-17", null, null))
                .expectNoEvents()
                .expectExceptionMessage("Validation failed: [llm_id]");
        fixture.given(created())
                .when(new UpdateConversation(ID, OWNER, null, null, null, null, "gpt-17", null))
                .expectNoEvents()
                .expectExceptionMessage("Validation failed: [llm_id]");
    }

    @Test
    void aReplyIsTheNextMessageOfTheConversation() {
        fixture.given(created(), posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, null, false))
                .when(reply(MSG))
                .expectEvents(new AgentReplied(ID, OWNER, REPLY, 1, MSG, "The goals are in the notes.", "local-extractive-1",
                        null, 12, 7));
        fixture.given(created(), posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, null, false),
                        new AgentReplied(ID, OWNER, REPLY, 1, MSG, "ok", "m", null, 1, 1))
                .when(new PostMessage(ID, OWNER, "msg_next", "And then?", null, false))
                .expectEvents(new MessagePosted(ID, OWNER, "msg_next", 2, "user", "And then?"),
                        new AgentReplyRequested(ID, OWNER, "msg_next", null, false));
    }

    @Test
    void aMessageGetsOneReplyOrOneFailureEvenWhenTheEffectRunsTwice() {
        fixture.given(created(), posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, null, false),
                        new AgentReplied(ID, OWNER, REPLY, 1, MSG, "ok", "m", null, 1, 1))
                .when(reply(MSG))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(created(), posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, null, false),
                        new AgentReplied(ID, OWNER, REPLY, 1, MSG, "ok", "m", null, 1, 1))
                .when(new RecordAgentReplyFailure(ID, MSG, "late", 3))
                .expectNoEvents();
        fixture.given(created(), posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, null, false))
                .when(new RecordAgentReplyFailure(ID, MSG, "AI provider unavailable: down", 3))
                .expectEvents(new AgentReplyFailed(ID, OWNER, MSG, "AI provider unavailable: down", 3));
        fixture.given(created(), posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, null, false),
                        new AgentReplyFailed(ID, OWNER, MSG, "down", 3))
                .when(reply(MSG))
                .expectNoEvents();
    }

    @Test
    void onlyARequestedReplyIsRecorded() {
        // an initial message asks for no reply
        fixture.given(created(), posted(MSG, 0))
                .when(reply(MSG))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aDeletedConversationTakesNoReplyAndNoSummary() {
        fixture.given(created(), posted(MSG, 0), new AgentReplyRequested(ID, OWNER, MSG, null, false),
                        new ConversationDeleted(ID, OWNER))
                .when(reply(MSG))
                .expectNoEvents()
                .expectException(AggregateDeletedException.class);
        fixture.given(created(), firstSummary(), new ConversationDeleted(ID, OWNER))
                .when(new RecordSummary(ID, SUMMARY, "t", "c", "neutral", 0, List.of(), List.of(), "m", 1, 1))
                .expectNoEvents()
                .expectException(AggregateDeletedException.class);
    }

    // --- summaries

    @Test
    void aSummaryRequestDefaultsToConciseEnglish() {
        fixture.given(created(), firstSummary(), generated(SUMMARY))
                .when(new RequestSummary(ID, OWNER, SUMMARY_2, null, null))
                .expectEvents(new SummaryRequested(ID, OWNER, SUMMARY_2, "en", "concise"))
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the new summary, processing") {
                    @Override
                    public boolean matches(Object item) {
                        SummaryView v = (SummaryView) item;
                        return v.id().equals(SUMMARY_2) && v.status().equals("processing") && v.createdAt() != null
                                && v.version() == 3;
                    }
                });
        fixture.given(created(), firstSummary(), generated(SUMMARY))
                .when(new RequestSummary(ID, OWNER, SUMMARY_2, "pt-BR", "bullet"))
                .expectEvents(new SummaryRequested(ID, OWNER, SUMMARY_2, "pt-BR", "bullet"));
    }

    @Test
    void aBadLanguageOrStyleIsRefusedWithBothFields() {
        fixture.given(created(), firstSummary(), generated(SUMMARY))
                .when(new RequestSummary(ID, OWNER, SUMMARY_2, "123", "poem"))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage("Validation failed: [style, language]");
    }

    @Test
    void aRequestWhileOneIsRunningJoinsIt() {
        fixture.given(created(), firstSummary())
                .when(new RequestSummary(ID, OWNER, SUMMARY_2, "de", "bullet"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents()
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the running summary") {
                    @Override
                    public boolean matches(Object item) {
                        SummaryView v = (SummaryView) item;
                        return v.id().equals(SUMMARY) && v.style().equals("concise") && v.language().equals("en");
                    }
                });
    }

    @Test
    void anotherAccountCannotRequestASummary() {
        fixture.given(created(), firstSummary(), generated(SUMMARY))
                .when(new RequestSummary(ID, STRANGER, SUMMARY_2, null, null))
                .expectNoEvents()
                .expectException(NotFound.class);
    }

    @Test
    void onlyTheRunningSummaryIsRecordedInItsLanguageAndStyle() {
        var result = new RecordSummary(ID, SUMMARY, "Q1 goals", "Discussion about Q1 goals.", "neutral", 0.0,
                List.of("goals"), List.of(), "local-extractive-1", 10, 5);
        fixture.given(created(), firstSummary())
                .when(result)
                .expectEvents(generated(SUMMARY));
        fixture.given(created(), firstSummary(), generated(SUMMARY))
                .when(result)
                .expectNoEvents();
        fixture.given(created(), firstSummary())
                .when(new RecordSummary(ID, SUMMARY_2, "x", "y", "neutral", 0, List.of(), List.of(), "m", 1, 1))
                .expectNoEvents();
        fixture.given(created(), firstSummary())
                .when(new RecordSummaryFailure(ID, SUMMARY, "AI provider unavailable", 3))
                .expectEvents(new SummaryFailed(ID, OWNER, SUMMARY, "AI provider unavailable", 3));
        fixture.given(created(), firstSummary(), new SummaryFailed(ID, OWNER, SUMMARY, "down", 3))
                .when(new RecordSummaryFailure(ID, SUMMARY, "again", 3))
                .expectNoEvents();
    }

    @Test
    void theStatusFollowsTheLastSummary() {
        fixture.given(created(), firstSummary())
                .when(new UpdateConversation(ID, OWNER, "t2", null, null, null, null, null))
                .expectResultMessagePayloadMatching(status("processing", false));
        fixture.given(created(), firstSummary(), generated(SUMMARY))
                .when(new UpdateConversation(ID, OWNER, "t2", null, null, null, null, null))
                .expectResultMessagePayloadMatching(status("completed", true));
        fixture.given(created(), firstSummary(), generated(SUMMARY), new SummaryRequested(ID, OWNER, SUMMARY_2, "en", "detailed"))
                .when(new UpdateConversation(ID, OWNER, "t2", null, null, null, null, null))
                .expectResultMessagePayloadMatching(status("processing", true));
        fixture.given(created(), firstSummary(), generated(SUMMARY), new SummaryRequested(ID, OWNER, SUMMARY_2, "en", "detailed"),
                        new SummaryFailed(ID, OWNER, SUMMARY_2, "down", 3))
                .when(new UpdateConversation(ID, OWNER, "t2", null, null, null, null, null))
                .expectResultMessagePayloadMatching(status("failed", true));
    }

    private static CustomMatcher<Object> status(String status, boolean hasSummary) {
        return new CustomMatcher<>("status " + status + (hasSummary ? " with" : " without") + " a summary") {
            @Override
            public boolean matches(Object item) {
                ConversationView v = (ConversationView) item;
                return v.status().equals(status) && (v.summary() != null) == hasSummary
                        && (!hasSummary || v.summary().title().equals("Q1 goals"));
            }
        };
    }
}
