package ai.soul.projections.export;

import ai.soul.projections.InMemoryMongo;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportDeleted;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportProgressed;
import ai.soul.schemas.export.ExportRequested;
import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static ai.soul.projections.History.prepared;

class ExportProjectorTest {

    static final String EXPORT = "exp_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String ACCOUNT = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final Instant T0 = Instant.parse("2024-01-01T10:00:00Z");

    @AutoClose
    static final InMemoryMongo mongo = new InMemoryMongo();

    static PublishedEvent<?> event(long seq, Object data) {
        return new PublishedEvent<>("id-" + seq, "t", EXPORT, seq, T0.plusSeconds(seq), data);
    }

    @Test
    void aRedeliveredOrOutOfOrderEventChangesNothingAndTheSweeperFindsWhatIsDue() {
        MongoDatabase db = mongo.newDatabase();
        var projector = prepared(new ExportProjector(db));
        var exports = new Exports(db);
        var requested = event(0, new ExportRequested(EXPORT, ACCOUNT, "pdf", "2024-01-01", null, false));
        var p10 = event(1, new ExportProgressed(EXPORT, ACCOUNT, 10));
        var p20 = event(2, new ExportProgressed(EXPORT, ACCOUNT, 20));
        var completed = event(3, new ExportCompleted(EXPORT, ACCOUNT, "f1", EXPORT + ".pdf", "application/pdf", 2048, 2,
                "2024-01-08T10:00:03Z"));
        projector.apply(List.of(requested, p10, p20));
        projector.apply(List.of(requested, p10));
        ExportDocument doc = exports.find(ACCOUNT, EXPORT).orElseThrow();
        assertThat(doc.status()).isEqualTo("processing");
        assertThat(doc.progress()).isEqualTo(20);
        assertThat(exports.processingSince(T0.plusSeconds(1), 10)).containsExactly(EXPORT);
        assertThat(exports.find("usr_01JBBBBBBBBBBBBBBBBBBBBBBB", EXPORT)).isEmpty();

        projector.apply(List.of(completed, p20));
        doc = exports.find(ACCOUNT, EXPORT).orElseThrow();
        assertThat(doc.status()).isEqualTo("completed");
        assertThat(doc.progress()).isEqualTo(100);
        assertThat(doc.fileId()).isEqualTo("f1");
        assertThat(exports.processingSince(T0.plusSeconds(3600), 10)).isEmpty();
        assertThat(exports.expiredBy(Instant.parse("2024-01-08T10:00:02Z"), 10)).isEmpty();
        assertThat(exports.expiredBy(Instant.parse("2024-01-08T10:00:03Z"), 10)).containsExactly(EXPORT);

        projector.apply(List.of(event(4, new ExportExpired(EXPORT, ACCOUNT, "f1")), completed));
        assertThat(exports.find(ACCOUNT, EXPORT).orElseThrow().status()).isEqualTo("expired");
        assertThat(exports.expiredBy(Instant.parse("2030-01-01T00:00:00Z"), 10)).isEmpty();
        assertThat(exports.list(ACCOUNT, 1, 20).total()).isEqualTo(1);
    }

    @Test
    void aDeletedExportIsGoneFromEveryReadAndARedeliveredRequestDoesNotBringItBack() {
        MongoDatabase db = mongo.newDatabase();
        var projector = prepared(new ExportProjector(db));
        var exports = new Exports(db);
        var requested = event(0, new ExportRequested(EXPORT, ACCOUNT, "csv", null, null, true));
        projector.apply(List.of(requested));
        assertThat(exports.processing(10)).extracting(ExportDocument::id).containsExactly(EXPORT);
        assertThat(exports.processing(10).get(0).includeAttachments()).isTrue();

        projector.apply(List.of(event(1, new ExportDeleted(EXPORT, ACCOUNT, null)), requested));
        assertThat(exports.find(ACCOUNT, EXPORT)).isEmpty();
        assertThat(exports.list(ACCOUNT, 1, 20).total()).isZero();
        assertThat(exports.processing(10)).isEmpty();
        assertThat(exports.processingSince(T0.plusSeconds(3600), 10)).isEmpty();
    }
}
