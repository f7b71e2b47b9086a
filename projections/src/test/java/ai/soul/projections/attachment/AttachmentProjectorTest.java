package ai.soul.projections.attachment;

import ai.soul.projections.History;
import ai.soul.projections.InMemoryMongo;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.soul.projections.History.applyAll;
import static ai.soul.projections.History.batches;
import static ai.soul.projections.History.randomBatches;
import static ai.soul.projections.History.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static ai.soul.projections.History.prepared;

/** The attachment read model against a real MongoDB wire protocol: metadata from the events, deletions for good, replays harmless. */
class AttachmentProjectorTest {

    static final String ADA = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String BOB = "usr_01JQ8X7N4K2M9P3R5S6T8V0W1X";
    static final String CONV = "conv_01JQ8Y0A1B2C3D4E5F6G7H8J9K";
    static final String BOB_CONV = "conv_01JQ8Y1B2C3D4E5F6G7H8J9K0M";
    static final String PDF = "att_01JQ8Z0A1B2C3D4E5F6G7H8J9K";
    static final String PNG = "att_01JQ8Z1B2C3D4E5F6G7H8J9K0M";
    static final String TXT = "att_01JQ8Z2C3D4E5F6G7H8J9K0M1N";

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();

    private MongoDatabase db;
    private AttachmentProjector projector;
    private Attachments attachments;
    private List<PublishedEvent<?>> log;
    private PublishedEvent<?> pdfAdded;

    @BeforeEach
    void setUp() {
        db = mongo.newDatabase();
        projector = prepared(new AttachmentProjector(db));
        attachments = new Attachments(db);
        History history = new History(Instant.parse("2025-02-03T17:04:11.207Z"));
        history.add(CONV, new ConversationCreated(CONV, ADA, "Specs", null, "api", Map.of(), null, null, null));
        history.add(BOB_CONV, new ConversationCreated(BOB_CONV, BOB, "Bob's", null, "api", Map.of(), null, null, null));
        pdfAdded = history.add(CONV, added(CONV, ADA, PDF, "requirements.pdf", "application/pdf", 102_400));
        history.add(CONV, added(CONV, ADA, PNG, "Schéma (v2).png", "image/png", 2_048));
        history.add(BOB_CONV, added(BOB_CONV, BOB, TXT, "notes.txt", "text/plain", 12));
        history.add(CONV, new AttachmentDeleted(CONV, ADA, PNG, 2_048));
        log = history.events();
    }

    static AttachmentAdded added(String conv, String account, String id, String filename, String mime, long size) {
        return new AttachmentAdded(conv, account, id, filename, mime, size, sha256(id), id);
    }

    @Test
    void keepsTheMetadataOfEachAttachment() {
        applyAll(projector, batches(log, 100));
        assertThat(attachments.find(ADA, PDF)).contains(new AttachmentDocument(PDF, CONV, ADA, "requirements.pdf", "application/pdf",
                102_400L, sha256(PDF), PDF, pdfAdded.time(), false, 1L));
        Document pdf = db.getCollection(AttachmentDocument.COLLECTION).find(new Document("_id", PDF)).first();
        assertThat(pdf).containsEntry("conversation_id", CONV).containsEntry("account_id", ADA)
                .containsEntry("filename", "requirements.pdf").containsEntry("mime_type", "application/pdf")
                .containsEntry("size", 102_400L).containsEntry("sha256", sha256(PDF)).containsEntry("storage_id", PDF)
                .containsEntry("created_at", Date.from(pdfAdded.time())).containsEntry("version", 1L);
        assertThat(attachments.of(CONV)).extracting(AttachmentDocument::id).containsExactly(PDF);
        assertThat(attachments.of(BOB_CONV)).extracting(AttachmentDocument::filename).containsExactly("notes.txt");
    }

    @Test
    void anotherAccountDoesNotFindIt() {
        applyAll(projector, batches(log, 100));
        assertThat(attachments.find(BOB, PDF)).isEmpty();
        assertThat(attachments.find(ADA, TXT)).isEmpty();
    }

    @Test
    void aDeletedAttachmentIsGoneWithItsNameAndStaysGoneOnReplay() {
        applyAll(projector, batches(log, 100));
        assertThat(attachments.find(ADA, PNG)).isEmpty();
        Map<String, List<Document>> once = InMemoryMongo.snapshot(db, AttachmentDocument.COLLECTION);
        // the whole log again, as after a crash before the offsets were stored
        applyAll(projector, batches(log, 3));
        assertThat(InMemoryMongo.snapshot(db, AttachmentDocument.COLLECTION)).isEqualTo(once);
        assertThat(attachments.find(ADA, PNG)).isEmpty();
        Document tombstone = once.get(AttachmentDocument.COLLECTION).stream().filter(d -> PNG.equals(d.get("_id"))).findFirst().orElseThrow();
        assertThat(tombstone.get("filename")).isNull();
    }

    @Test
    void theResultDoesNotDependOnHowTheLogIsCutIntoBatches() {
        applyAll(projector, batches(log, 100));
        Map<String, List<Document>> whole = InMemoryMongo.snapshot(db, AttachmentDocument.COLLECTION);
        for (int seed = 0; seed < 5; seed++) {
            projector.reset();
            applyAll(projector, randomBatches(log, new Random(seed)));
            assertThat(InMemoryMongo.snapshot(db, AttachmentDocument.COLLECTION)).isEqualTo(whole);
        }
    }

    @Test
    void aConversationDeletionComesWithTheDeletionOfItsAttachments() {
        History history = new History(Instant.parse("2025-02-04T09:00:00Z"));
        history.add(CONV, new ConversationCreated(CONV, ADA, "Specs", null, "api", Map.of(), null, null, null));
        history.add(CONV, added(CONV, ADA, PDF, "requirements.pdf", "application/pdf", 10));
        history.add(CONV, new AttachmentDeleted(CONV, ADA, PDF, 10));
        history.add(CONV, new ConversationDeleted(CONV, ADA));
        applyAll(projector, batches(history.events(), 2));
        assertThat(attachments.of(CONV)).isEmpty();
        assertThat(attachments.find(ADA, PDF)).isEmpty();
    }
}
