package ai.soul.domain.conversation;

import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.conversation.ConversationCommands.AttachFile;
import ai.soul.domain.conversation.ConversationCommands.CheckAttachment;
import ai.soul.domain.conversation.ConversationCommands.DeleteAttachment;
import ai.soul.domain.conversation.ConversationCommands.DeleteConversation;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationDeleted;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static ai.soul.domain.conversation.ConversationTest.ID;
import static ai.soul.domain.conversation.ConversationTest.OWNER;
import static ai.soul.domain.conversation.ConversationTest.STRANGER;
import static ai.soul.domain.conversation.ConversationTest.created;

class AttachmentsTest {

    static final String ATT = "att_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String ATT2 = "att_01JBBBBBBBBBBBBBBBBBBBBBBB";
    static final String SHA = "a".repeat(64);

    private AggregateTestFixture<Conversation> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Conversation.class);
        fixture.registerInjectableResource(ConversationLimits.DEFAULTS);
    }

    static AttachFile attach(String attachment, String filename, long size) {
        return new AttachFile(ID, OWNER, attachment, filename, "application/pdf", size, SHA, attachment);
    }

    static AttachmentAdded added(String attachment, String filename, long size) {
        return new AttachmentAdded(ID, OWNER, attachment, filename, "application/pdf", size, SHA, attachment);
    }

    @Test
    void attachesAFileAndAnswersWithIt() {
        fixture.given(created())
                .when(attach(ATT, "requirements.pdf", 102_400))
                .expectEvents(added(ATT, "requirements.pdf", 102_400))
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the attachment") {
                    @Override
                    public boolean matches(Object item) {
                        AttachmentView v = (AttachmentView) item;
                        return v.id().equals(ATT) && v.filename().equals("requirements.pdf") && v.size() == 102_400 && v.version() == 1
                                && v.createdAt() != null;
                    }
                });
    }

    @Test
    void directoriesAreStrippedFromTheFilename() {
        fixture.given(created())
                .when(attach(ATT, "C:\\Users\\ada/../reports/Q1 résumé.pdf", 10))
                .expectEvents(added(ATT, "Q1 résumé.pdf", 10));
    }

    @Test
    void aFilenameIsRequiredAndAtMost255Characters() {
        fixture.given(created()).when(attach(ATT, "docs/", 10)).expectException(RuleViolation.class).expectNoEvents();
        fixture.given(created()).when(attach(ATT, null, 10)).expectException(RuleViolation.class).expectNoEvents();
        fixture.given(created()).when(attach(ATT, "..", 10)).expectException(RuleViolation.class).expectNoEvents();
        fixture.given(created()).when(attach(ATT, "x".repeat(256), 10)).expectException(RuleViolation.class).expectNoEvents();
        fixture.given(created()).when(attach(ATT, "dir/" + "x".repeat(255), 10)).expectEvents(added(ATT, "x".repeat(255), 10));
    }

    @Test
    void theCheckBeforeTheBytesAreStoredAppliesTheSameRulesAndEmitsNothing() {
        fixture.given(created())
                .when(new CheckAttachment(ID, OWNER, "/tmp/upload/report.pdf"))
                .expectNoEvents()
                .expectResultMessagePayload("report.pdf");
        fixture.given(created()).when(new CheckAttachment(ID, OWNER, "")).expectException(RuleViolation.class);
        fixture.given(created()).when(new CheckAttachment(ID, STRANGER, "a.pdf")).expectException(NotFound.class);
        fixture.given(created(), new ConversationDeleted(ID, OWNER)).when(new CheckAttachment(ID, OWNER, "a.pdf"))
                .expectException(AggregateDeletedException.class);
    }

    @Test
    void anotherAccountCannotAttachAndLearnsNothing() {
        fixture.given(created())
                .when(new AttachFile(ID, STRANGER, ATT, "a.pdf", "application/pdf", 1, SHA, ATT))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void aDeletedConversationTakesNoAttachment() {
        fixture.given(created(), new ConversationDeleted(ID, OWNER))
                .when(attach(ATT, "a.pdf", 1))
                .expectException(AggregateDeletedException.class);
    }

    @Test
    void attachingTheSameAttachmentAgainChangesNothing() {
        fixture.given(created(), added(ATT, "a.pdf", 5))
                .when(attach(ATT, "a.pdf", 5))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void deletesAnAttachmentWithItsSize() {
        fixture.given(created(), added(ATT, "a.pdf", 5), added(ATT2, "b.pdf", 7))
                .when(new DeleteAttachment(ID, OWNER, ATT2))
                .expectEvents(new AttachmentDeleted(ID, OWNER, ATT2, 7))
                .expectResultMessagePayload(3L);
    }

    @Test
    void anUnknownAttachmentIsNotFound() {
        fixture.given(created(), added(ATT, "a.pdf", 5))
                .when(new DeleteAttachment(ID, OWNER, ATT2))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void aRepeatedDeleteDoesNothing() {
        fixture.given(created(), added(ATT, "a.pdf", 5), new AttachmentDeleted(ID, OWNER, ATT, 5))
                .when(new DeleteAttachment(ID, OWNER, ATT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void anotherAccountCannotDeleteAnAttachment() {
        fixture.given(created(), added(ATT, "a.pdf", 5))
                .when(new DeleteAttachment(ID, STRANGER, ATT))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void deletingTheConversationDeletesItsAttachmentsFirst() {
        fixture.given(created(), added(ATT, "a.pdf", 5), added(ATT2, "b.pdf", 7), new AttachmentDeleted(ID, OWNER, ATT, 5))
                .when(new DeleteConversation(ID, OWNER))
                .expectEvents(new AttachmentDeleted(ID, OWNER, ATT2, 7), new ConversationDeleted(ID, OWNER));
    }
}
