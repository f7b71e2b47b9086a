package ai.soul.domain.export;

import ai.soul.domain.RuleViolation;
import ai.soul.domain.export.ExportCommands.DequeueExport;
import ai.soul.domain.export.ExportCommands.RequestExport;
import ai.soul.schemas.export.ExportDequeued;
import ai.soul.schemas.export.ExportQueued;
import ai.soul.schemas.export.ExportRequested;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The account's export queue: it decides every request (the export's rules, then the bound on open exports) and creates the export. */
class ExportQueueTest {

    static final String ACCOUNT = "usr_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String EXPORT = "exp_01JAAAAAAAAAAAAAAAAAAAAAAA";
    static final String E1 = "exp_01JBBBBBBBBBBBBBBBBBBBBBB1";
    static final String E2 = "exp_01JBBBBBBBBBBBBBBBBBBBBBB2";
    static final int MAX_OPEN = 2;

    private AggregateTestFixture<ExportQueue> fixture;

    /** The export is a second aggregate; its events land in a store of their own. */
    private final InMemoryEventStorageEngine exportEvents = new InMemoryEventStorageEngine();
    private final EventSourcingRepository<Export> exports = EventSourcingRepository.builder(Export.class)
            .eventStore(EmbeddedEventStore.builder().storageEngine(exportEvents).build())
            .build();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ExportQueue.class);
        fixture.registerRepositoryProvider(new RepositoryProvider() {
            @SuppressWarnings("unchecked")
            @Override
            public <T> Repository<T> repositoryFor(Class<T> aggregateType) {
                return (Repository<T>) exports;
            }
        });
    }

    static RequestExport request(String export, String format, String from, String to) {
        return new RequestExport(export, ACCOUNT, format, from, to, false, MAX_OPEN);
    }

    private List<Object> exportEvents(String export) {
        return exportEvents.readEvents(export).asStream().map(m -> (Object) m.getPayload()).toList();
    }

    static CustomMatcher<Object> violation(Map<String, List<String>> fields) {
        return new CustomMatcher<>("rule violation " + fields) {
            @Override
            public boolean matches(Object item) {
                return item instanceof RuleViolation v && v.fields().equals(fields);
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "csv", "md", "pdf"})
    void eachOfTheFourFormatsIsQueuedAndCreated(String format) {
        fixture.givenNoPriorActivity()
                .when(request(EXPORT, format, "2024-01-01", "2024-01-31"))
                .expectEvents(new ExportQueued(ACCOUNT, EXPORT))
                .expectResultMessagePayloadMatching(new CustomMatcher<>("the view") {
                    @Override
                    public boolean matches(Object item) {
                        return item instanceof ExportView v && v.id().equals(EXPORT) && v.format().equals(format)
                                && v.createdAt() != null && v.version() == 0;
                    }
                });
        assertThat(exportEvents(EXPORT)).containsExactly(new ExportRequested(EXPORT, ACCOUNT, format, "2024-01-01", "2024-01-31", false));
    }

    @Test
    void theDatesMayBeLeftOutAndOneDayIsARange() {
        fixture.givenNoPriorActivity().when(request(E1, "json", null, null)).expectEvents(new ExportQueued(ACCOUNT, E1));
        fixture.givenNoPriorActivity().when(request(E2, "json", "2024-02-29", "2024-02-29")).expectEvents(new ExportQueued(ACCOUNT, E2));
        assertThat(exportEvents(E1)).containsExactly(new ExportRequested(E1, ACCOUNT, "json", null, null, false));
        assertThat(exportEvents(E2)).containsExactly(new ExportRequested(E2, ACCOUNT, "json", "2024-02-29", "2024-02-29", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docx", "PDF", "", "json "})
    void theFormatMustBeOneOfTheFour(String format) {
        fixture.givenNoPriorActivity()
                .when(request(EXPORT, format, null, null))
                .expectNoEvents()
                .expectException(new CustomMatcher<>("format violation") {
                    @Override
                    public boolean matches(Object item) {
                        return item instanceof RuleViolation v && v.fields().keySet().equals(java.util.Set.of("format"));
                    }
                });
        assertThat(exportEvents(EXPORT)).isEmpty();
    }

    @Test
    void theFormatIsRequired() {
        fixture.givenNoPriorActivity()
                .when(request(EXPORT, null, null, null))
                .expectNoEvents()
                .expectException(violation(Map.of("format", List.of("Format is required"))));
    }

    @ParameterizedTest
    @CsvSource({"2024-02-30", "2023-02-29", "2024-13-01", "01/02/2024", "2024-1-1", "2024-01-01T00:00:00Z", "yesterday"})
    void theDatesMustBeRealDays(String day) {
        fixture.givenNoPriorActivity()
                .when(request(EXPORT, "csv", day, day))
                .expectNoEvents()
                .expectException(violation(Map.of(
                        "filters.date_from", List.of("date_from must be a date as YYYY-MM-DD"),
                        "filters.date_to", List.of("date_to must be a date as YYYY-MM-DD"))));
    }

    @Test
    void dateFromMustNotBeAfterDateTo() {
        fixture.givenNoPriorActivity()
                .when(request(EXPORT, "md", "2024-02-01", "2024-01-31"))
                .expectNoEvents()
                .expectException(violation(Map.of("filters.date_from", List.of("date_from must be on or before date_to"))));
    }

    /** Finding 6 of issue 10: one account cannot pile up exports without bound. */
    @Test
    void aRequestBeyondTheOpenExportsAllowedIsRefusedAndCreatesNothing() {
        fixture.given(new ExportQueued(ACCOUNT, E1), new ExportQueued(ACCOUNT, E2))
                .when(request(EXPORT, "pdf", null, null))
                .expectNoEvents()
                .expectException(new CustomMatcher<>("the queue is full: 2 of 2") {
                    @Override
                    public boolean matches(Object item) {
                        return item instanceof ExportQueueFull full && full.open() == 2 && full.limit() == 2;
                    }
                });
        assertThat(exportEvents(EXPORT)).isEmpty();
    }

    @Test
    void aFinishedExportMakesRoomForAnother() {
        fixture.given(new ExportQueued(ACCOUNT, E1), new ExportQueued(ACCOUNT, E2), new ExportDequeued(ACCOUNT, E1))
                .when(request(EXPORT, "pdf", null, null))
                .expectEvents(new ExportQueued(ACCOUNT, EXPORT));
    }

    @Test
    void anInvalidRequestIsAnsweredWithItsFieldsEvenWhenTheQueueIsFull() {
        fixture.given(new ExportQueued(ACCOUNT, E1), new ExportQueued(ACCOUNT, E2))
                .when(request(EXPORT, "docx", null, null))
                .expectNoEvents()
                .expectException(RuleViolation.class);
    }

    @Test
    void dequeuingAnOpenExportOnceFreesItsPlace() {
        fixture.given(new ExportQueued(ACCOUNT, E1))
                .when(new DequeueExport(ACCOUNT, E1))
                .expectEvents(new ExportDequeued(ACCOUNT, E1));
        fixture.given(new ExportQueued(ACCOUNT, E1), new ExportDequeued(ACCOUNT, E1))
                .when(new DequeueExport(ACCOUNT, E1))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(new ExportQueued(ACCOUNT, E1))
                .when(new DequeueExport(ACCOUNT, E2))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
