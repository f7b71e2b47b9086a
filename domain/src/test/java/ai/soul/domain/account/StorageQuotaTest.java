package ai.soul.domain.account;

import ai.soul.domain.account.AccountCommands.ReleaseExportStorage;
import ai.soul.domain.account.AccountCommands.ReleaseStorage;
import ai.soul.domain.account.AccountCommands.ReserveExportStorage;
import ai.soul.domain.account.AccountCommands.ReserveStorage;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ExportStorageReleased;
import ai.soul.schemas.account.ExportStorageReserved;
import ai.soul.schemas.account.StorageReleased;
import ai.soul.schemas.account.StorageReserved;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StorageQuotaTest {

    static final String ACCOUNT = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String A = "att_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String B = "att_01JBBBBBBBBBBBBBBBBBBBBBBB";
    static final String C = "att_01JCCCCCCCCCCCCCCCCCCCCCCC";

    private AggregateTestFixture<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Account.class);
    }

    static AccountRegistered registered() {
        return new AccountRegistered(ACCOUNT, "ada@example.com", "$2a$10$hash", null, null, "free");
    }

    @Test
    void reservesWhatFitsAndAnswersTheBytesInUse() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60))
                .when(new ReserveStorage(ACCOUNT, B, 40, 100))
                .expectEvents(new StorageReserved(ACCOUNT, B, 40))
                .expectResultMessagePayload(100L);
    }

    @Test
    void refusesOneByteOverTheQuotaWithTheFigures() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60))
                .when(new ReserveStorage(ACCOUNT, B, 41, 100))
                .expectNoEvents()
                .expectException(new CustomMatcher<>("quota exceeded: used 60, limit 100, file 41") {
                    @Override
                    public boolean matches(Object item) {
                        return item instanceof StorageQuotaExceeded e && e.usedBytes() == 60 && e.limitBytes() == 100
                                && e.fileBytes() == 41;
                    }
                });
    }

    @Test
    void releasedBytesCanBeReservedAgain() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60), new StorageReserved(ACCOUNT, B, 40),
                        new StorageReleased(ACCOUNT, A, 60))
                .when(new ReserveStorage(ACCOUNT, C, 60, 100))
                .expectEvents(new StorageReserved(ACCOUNT, C, 60));
    }

    @Test
    void reservingForTheSameAttachmentAgainChangesNothing() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60))
                .when(new ReserveStorage(ACCOUNT, A, 60, 100))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void releasesWhatWasReservedForTheAttachment() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60), new StorageReserved(ACCOUNT, B, 40))
                .when(new ReleaseStorage(ACCOUNT, A))
                .expectEvents(new StorageReleased(ACCOUNT, A, 60))
                .expectResultMessagePayload(40L);
    }

    @Test
    void releasingAnUnknownOrReleasedAttachmentDoesNothing() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60), new StorageReleased(ACCOUNT, A, 60))
                .when(new ReleaseStorage(ACCOUNT, A))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(registered())
                .when(new ReleaseStorage(ACCOUNT, B))
                .expectNoEvents();
    }

    // ---------------------------------------------------------------- export files (finding 6 of issue 10)

    static final String EXPORT = "exp_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String F1 = "6560a1f2e4b0c1d2e3f4a5b1";
    static final String F2 = "6560a1f2e4b0c1d2e3f4a5b2";

    @Test
    void anExportsFileSharesTheQuotaWithTheAttachments() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60))
                .when(new ReserveExportStorage(ACCOUNT, EXPORT, F1, 40, 100))
                .expectEvents(new ExportStorageReserved(ACCOUNT, EXPORT, F1, 40))
                .expectResultMessagePayload(100L);
        fixture.given(registered(), new ExportStorageReserved(ACCOUNT, EXPORT, F1, 60))
                .when(new ReserveStorage(ACCOUNT, B, 41, 100))
                .expectNoEvents()
                .expectException(StorageQuotaExceeded.class);
    }

    @Test
    void anExportsFileThatDoesNotFitIsRefusedWithTheFigures() {
        fixture.given(registered(), new StorageReserved(ACCOUNT, A, 60))
                .when(new ReserveExportStorage(ACCOUNT, EXPORT, F1, 41, 100))
                .expectNoEvents()
                .expectException(new CustomMatcher<>("quota exceeded: used 60, limit 100, file 41") {
                    @Override
                    public boolean matches(Object item) {
                        return item instanceof StorageQuotaExceeded e && e.usedBytes() == 60 && e.limitBytes() == 100
                                && e.fileBytes() == 41;
                    }
                });
    }

    @Test
    void reservingForTheSameFileAgainChangesNothing() {
        fixture.given(registered(), new ExportStorageReserved(ACCOUNT, EXPORT, F1, 60))
                .when(new ReserveExportStorage(ACCOUNT, EXPORT, F1, 60, 100))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void releasesOneFileOfAnExportOrAllOfThem() {
        fixture.given(registered(), new ExportStorageReserved(ACCOUNT, EXPORT, F1, 30), new ExportStorageReserved(ACCOUNT, EXPORT, F2, 20))
                .when(new ReleaseExportStorage(ACCOUNT, EXPORT, F2))
                .expectEvents(new ExportStorageReleased(ACCOUNT, EXPORT, F2, 20))
                .expectResultMessagePayload(30L);
        fixture.given(registered(), new ExportStorageReserved(ACCOUNT, EXPORT, F1, 30), new ExportStorageReserved(ACCOUNT, EXPORT, F2, 20),
                        new StorageReserved(ACCOUNT, A, 5))
                .when(new ReleaseExportStorage(ACCOUNT, EXPORT, null))
                .expectEvents(new ExportStorageReleased(ACCOUNT, EXPORT, F1, 30), new ExportStorageReleased(ACCOUNT, EXPORT, F2, 20))
                .expectResultMessagePayload(5L);
    }

    @Test
    void releasingWhatWasNotReservedDoesNothing() {
        fixture.given(registered(), new ExportStorageReserved(ACCOUNT, EXPORT, F1, 30))
                .when(new ReleaseExportStorage(ACCOUNT, EXPORT, F2))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(registered(), new ExportStorageReserved(ACCOUNT, EXPORT, F1, 30), new ExportStorageReleased(ACCOUNT, EXPORT, F1, 30))
                .when(new ReleaseExportStorage(ACCOUNT, EXPORT, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(registered(), new ExportStorageReserved(ACCOUNT, EXPORT, F1, 30))
                .when(new ReleaseExportStorage(ACCOUNT, "exp_01JBBBBBBBBBBBBBBBBBBBBBBB", null))
                .expectNoEvents();
    }
}
