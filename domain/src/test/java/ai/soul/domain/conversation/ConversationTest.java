package ai.soul.domain.conversation;

import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.conversation.ConversationCommands.CreateConversation;
import ai.soul.domain.conversation.ConversationCommands.DeleteConversation;
import ai.soul.domain.conversation.ConversationCommands.InitialMessage;
import ai.soul.domain.conversation.ConversationCommands.PostMessage;
import ai.soul.domain.conversation.ConversationCommands.UpdateConversation;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
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

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Conversation.class);
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
                .expectEvents(created())
                .expectResultMessagePayloadMatching(new CustomMatcher<>("a view of the new conversation") {
                    @Override
                    public boolean matches(Object item) {
                        ConversationView v = (ConversationView) item;
                        return v.id().equals(ID) && v.title().equals("Meeting notes") && v.status().equals("processing")
                                && v.version() == 0 && v.createdAt() != null;
                    }
                });
    }

    @Test
    void sourceDefaultsToApi() {
        fixture.givenNoPriorActivity()
                .when(create("Meeting notes", "Discussion about Q1 goals", null))
                .expectEvents(created());
    }

    @Test
    void initialMessagesArePostedInOrder() {
        var cmd = new CreateConversation(ID, OWNER, "Meeting notes", null, "email", null, null, null, null,
                List.of(new InitialMessage("msg_1", null, "Hello"), new InitialMessage("msg_2", "agent", "Hi, how can I help?")));
        fixture.givenNoPriorActivity()
                .when(cmd)
                .expectEvents(new ConversationCreated(ID, OWNER, "Meeting notes", null, "email", Map.of(), null, null, null),
                        new MessagePosted(ID, OWNER, "msg_1", 0, "user", "Hello"),
                        new MessagePosted(ID, OWNER, "msg_2", 1, "agent", "Hi, how can I help?"));
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
                .when(new PostMessage(ID, STRANGER, MSG, "hello"))
                .expectNoEvents()
                .expectException(NotFound.class);
    }

    @Test
    void messagesAreNumberedInOrder() {
        fixture.given(created(), new MessagePosted(ID, OWNER, "msg_0", 0, "user", "first"))
                .when(new PostMessage(ID, OWNER, MSG, "second"))
                .expectEvents(new MessagePosted(ID, OWNER, MSG, 1, "user", "second"))
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
                .when(new PostMessage(ID, OWNER, MSG, ""))
                .expectNoEvents()
                .expectException(RuleViolation.class);
        fixture.given(created())
                .when(new PostMessage(ID, OWNER, MSG, "x".repeat(10_001)))
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
                .when(new PostMessage(ID, OWNER, MSG, "hello?"))
                .expectNoEvents()
                .expectException(AggregateDeletedException.class);
        fixture.given(created(), new ConversationDeleted(ID, OWNER))
                .when(new DeleteConversation(ID, OWNER))
                .expectNoEvents()
                .expectException(AggregateDeletedException.class);
    }
}
