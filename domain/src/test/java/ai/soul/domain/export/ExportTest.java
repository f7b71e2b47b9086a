package ai.soul.domain.export;

import ai.soul.domain.Conflict;
import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.export.ExportCommands.CheckProcessing;
import ai.soul.domain.export.ExportCommands.CompleteExport;
import ai.soul.domain.export.ExportCommands.DeleteExport;
import ai.soul.domain.export.ExportCommands.ExpireExport;
import ai.soul.domain.export.ExportCommands.FailExport;
import ai.soul.domain.export.ExportCommands.RecordExportProgress;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportDeleted;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportFailed;
import ai.soul.schemas.export.ExportProgressed;
import ai.soul.schemas.export.ExportRequested;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

class ExportTest {

    static final String EXPORT = "exp_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String ACCOUNT = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String FILE = EXPORT;
    static final Instant EXPIRES = Instant.parse("2024-01-08T10:00:00Z");

    private AggregateTestFixture<Export> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Export.class);
    }

    static ExportRequested requested() {
        return new ExportRequested(EXPORT, ACCOUNT, "pdf", "2024-01-01", "2024-01-31", true);
    }

    static ExportCompleted completed() {
        return new ExportCompleted(EXPORT, ACCOUNT, FILE, EXPORT + ".zip", "application/zip", 1234, 3, EXPIRES.toString());
    }

    static CompleteExport complete() {
        return new CompleteExport(EXPORT, FILE, EXPORT + ".zip", "application/zip", 1234, 3, EXPIRES);
    }

    static CustomMatcher<Object> violation(Map<String, List<String>> fields) {
        return new CustomMatcher<>("rule violation " + fields) {
            @Override
            public boolean matches(Object item) {
                return item instanceof RuleViolation v && v.fields().equals(fields);
            }
        };
    }

    @Test
    void progressIsRecordedWhileProcessing() {
        fixture.given(requested(), new ExportProgressed(EXPORT, ACCOUNT, 10))
                .when(new RecordExportProgress(EXPORT, 30))
                .expectEvents(new ExportProgressed(EXPORT, ACCOUNT, 30));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 5})
    void progressNeverGoesBack(int progress) {
        fixture.given(requested(), new ExportProgressed(EXPORT, ACCOUNT, 10))
                .when(new RecordExportProgress(EXPORT, progress))
                .expectNoEvents()
                .expectException(Conflict.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 101})
    void progressIsAPercent(int progress) {
        fixture.given(requested())
                .when(new RecordExportProgress(EXPORT, progress))
                .expectNoEvents()
                .expectException(violation(Map.of("progress", List.of("progress must be between 0 and 100"))));
    }

    @Test
    void progressIsRefusedOnceFinished() {
        fixture.given(requested(), completed())
                .when(new RecordExportProgress(EXPORT, 50))
                .expectNoEvents()
                .expectException(Conflict.class);
        fixture.given(requested(), new ExportFailed(EXPORT, ACCOUNT, "Failed: IOException"))
                .when(new RecordExportProgress(EXPORT, 50))
                .expectNoEvents()
                .expectException(Conflict.class);
    }

    @Test
    void aProcessingExportCompletes() {
        fixture.given(requested(), new ExportProgressed(EXPORT, ACCOUNT, 90))
                .when(complete())
                .expectEvents(completed());
    }

    @Test
    void aProcessingExportFails() {
        fixture.given(requested())
                .when(new FailExport(EXPORT, "Failed: IOException"))
                .expectEvents(new ExportFailed(EXPORT, ACCOUNT, "Failed: IOException"));
    }

    @Test
    void aFailureWithoutAReasonSaysFailedAndALongOneIsCut() {
        fixture.given(requested())
                .when(new FailExport(EXPORT, " "))
                .expectEvents(new ExportFailed(EXPORT, ACCOUNT, "Failed"));
        fixture.given(requested())
                .when(new FailExport(EXPORT, "x".repeat(2000)))
                .expectEvents(new ExportFailed(EXPORT, ACCOUNT, "x".repeat(Export.MAX_REASON)));
    }

    @Test
    void itCompletesOrFailsOnceNeverBoth() {
        fixture.given(requested(), completed()).when(complete()).expectNoEvents().expectException(Conflict.class);
        fixture.given(requested(), completed()).when(new FailExport(EXPORT, "late")).expectNoEvents().expectException(Conflict.class);
        fixture.given(requested(), new ExportFailed(EXPORT, ACCOUNT, "timed out")).when(complete())
                .expectNoEvents().expectException(Conflict.class);
        fixture.given(requested(), new ExportFailed(EXPORT, ACCOUNT, "timed out")).when(new FailExport(EXPORT, "again"))
                .expectNoEvents().expectException(Conflict.class);
    }

    @Test
    void aCompletedExportExpiresWithItsFile() {
        fixture.given(requested(), completed())
                .when(new ExpireExport(EXPORT))
                .expectEvents(new ExportExpired(EXPORT, ACCOUNT, FILE));
    }

    @Test
    void onlyACompletedExportExpiresAndOnlyOnce() {
        fixture.given(requested()).when(new ExpireExport(EXPORT)).expectNoEvents().expectException(Conflict.class);
        fixture.given(requested(), new ExportFailed(EXPORT, ACCOUNT, "x")).when(new ExpireExport(EXPORT))
                .expectNoEvents().expectException(Conflict.class);
        fixture.given(requested(), completed(), new ExportExpired(EXPORT, ACCOUNT, FILE)).when(new ExpireExport(EXPORT))
                .expectNoEvents().expectException(Conflict.class);
    }

    @Test
    void aRendererStartsOnlyWhileTheExportIsProcessing() {
        fixture.given(requested()).when(new CheckProcessing(EXPORT)).expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(requested(), completed()).when(new CheckProcessing(EXPORT)).expectException(Conflict.class);
        fixture.given(requested(), new ExportFailed(EXPORT, ACCOUNT, "x")).when(new CheckProcessing(EXPORT))
                .expectException(Conflict.class);
        fixture.given(requested(), new ExportDeleted(EXPORT, ACCOUNT, null)).when(new CheckProcessing(EXPORT))
                .expectException(Conflict.class);
    }

    @Test
    void theAccountDeletesItsExportInAnyStateWithTheFileItStillHas() {
        fixture.given(requested(), completed()).when(new DeleteExport(EXPORT, ACCOUNT))
                .expectEvents(new ExportDeleted(EXPORT, ACCOUNT, FILE)).expectResultMessagePayload(2L);
        fixture.given(requested()).when(new DeleteExport(EXPORT, ACCOUNT)).expectEvents(new ExportDeleted(EXPORT, ACCOUNT, null));
        fixture.given(requested(), new ExportFailed(EXPORT, ACCOUNT, "x")).when(new DeleteExport(EXPORT, ACCOUNT))
                .expectEvents(new ExportDeleted(EXPORT, ACCOUNT, null));
        fixture.given(requested(), completed(), new ExportExpired(EXPORT, ACCOUNT, FILE)).when(new DeleteExport(EXPORT, ACCOUNT))
                .expectEvents(new ExportDeleted(EXPORT, ACCOUNT, null));
    }

    @Test
    void anotherAccountsOrADeletedExportIsNotFound() {
        fixture.given(requested(), completed()).when(new DeleteExport(EXPORT, "usr_01JBBBBBBBBBBBBBBBBBBBBBBB"))
                .expectNoEvents().expectException(NotFound.class);
        fixture.given(requested(), new ExportDeleted(EXPORT, ACCOUNT, null)).when(new DeleteExport(EXPORT, ACCOUNT))
                .expectNoEvents().expectException(NotFound.class);
    }

    @Test
    void aDeletedExportNeitherCompletesNorExpires() {
        fixture.given(requested(), new ExportDeleted(EXPORT, ACCOUNT, null)).when(complete()).expectNoEvents()
                .expectException(Conflict.class);
        fixture.given(requested(), completed(), new ExportDeleted(EXPORT, ACCOUNT, FILE)).when(new ExpireExport(EXPORT))
                .expectNoEvents().expectException(Conflict.class);
    }

    @Test
    void anExpiredExportCannotCompleteAgain() {
        fixture.given(requested(), completed(), new ExportExpired(EXPORT, ACCOUNT, FILE)).when(complete())
                .expectNoEvents().expectException(Conflict.class);
    }
}
