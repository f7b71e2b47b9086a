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

    /** Finding 13 of issue 10: names that disguise themselves or break headers are cleaned where the upload is decided. */
    @Test
    void controlBidiAndOtherInvisibleCharactersAreRemovedAndTheNameIsNfc() {
        // U+202E (right-to-left override) makes "invoice\u202Efdp.exe" read as "invoiceexe.pdf"
        fixture.given(created()).when(attach(ATT, "invoice\u202Efdp.exe", 10)).expectEvents(added(ATT, "invoicefdp.exe", 10));
        // line breaks and tabs become one space; other control bytes go
        fixture.given(created()).when(attach(ATT, "report\r\nQ1\t.pdf", 10)).expectEvents(added(ATT, "report Q1 .pdf", 10));
        fixture.given(created()).when(attach(ATT, "a\u0001b\u0007c\u001Bd\u007F\u0085\u009B.txt", 10))
                .expectEvents(added(ATT, "abcd .txt", 10));
        // every bidi control, the marks, the Arabic letter mark, zero-width characters and the byte order mark
        fixture.given(created())
                .when(attach(ATT, "\u202Aa\u202Bb\u202Cc\u202Dd\u2066e\u2067f\u2068g\u2069h\u200Ei\u200Fj\u061Ck\u200Bl\u200Dm\uFEFFn\u00ADo.pdf", 10))
                .expectEvents(added(ATT, "abcdefghijklmno.pdf", 10));
        // a lone surrogate cannot be written as UTF-8
        fixture.given(created()).when(attach(ATT, "x\uD800y.pdf", 10)).expectEvents(added(ATT, "xy.pdf", 10));
        // "e" + combining acute is stored as the one character "é" (NFC)
        fixture.given(created()).when(attach(ATT, "re\u0301sume\u0301.pdf", 10)).expectEvents(added(ATT, "résumé.pdf", 10));
        fixture.given(created()).when(new CheckAttachment(ID, OWNER, "dir/\u202Egnp.exe")).expectResultMessagePayload("gnp.exe");
    }

    @Test
    void aNameOfOnlyInvisibleCharactersIsRefusedNamingTheField() {
        for (String invisible : new String[]{"\u202E", "\r\n", "\u0001\u0007\u001B", "\u200B\u200D", "dir/\u2066\u2069", "\u202E..", " \t "}) {
            fixture.given(created()).when(attach(ATT, invisible, 10)).expectNoEvents()
                    .expectException(new CustomMatcher<>("a violation of filename") {
                        @Override
                        public boolean matches(Object item) {
                            return item instanceof RuleViolation v && v.fields().keySet().equals(java.util.Set.of("filename"));
                        }
                    });
        }
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
