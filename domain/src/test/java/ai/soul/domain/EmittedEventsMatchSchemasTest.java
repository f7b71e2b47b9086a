package ai.soul.domain;

import ai.soul.domain.account.AccountCommands.RegisterAccount;
import ai.soul.domain.account.AccountCommands.ReleaseStorage;
import ai.soul.domain.account.AccountCommands.ReserveStorage;
import ai.soul.domain.conversation.ConversationCommands.AttachFile;
import ai.soul.domain.conversation.ConversationCommands.DeleteAttachment;
import ai.soul.domain.account.PasswordHasher;
import ai.soul.domain.conversation.ConversationCommands.CreateConversation;
import ai.soul.domain.conversation.ConversationCommands.DeleteConversation;
import ai.soul.domain.conversation.ConversationCommands.InitialMessage;
import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationCommands.PostMessage;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReply;
import ai.soul.domain.conversation.ConversationCommands.RecordAgentReplyFailure;
import ai.soul.domain.conversation.ConversationCommands.RecordSummary;
import ai.soul.domain.conversation.ConversationCommands.RecordSummaryFailure;
import ai.soul.domain.conversation.ConversationCommands.RequestSummary;
import ai.soul.domain.conversation.ConversationCommands.UpdateConversation;
import ai.soul.schemas.Events;
import ai.soul.schemas.SchemaAssertions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.hamcrest.CustomMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract test between the domain and the schemas: every event the aggregates actually emit,
 * through every command path that emits events, serialized as on the wire, validates against the
 * JSON Schema of its type; and together the paths emit every event of {@link Events#ALL}, so a
 * new event without a schema-valid emission fails the build.
 */
class EmittedEventsMatchSchemasTest {

    private static final ObjectMapper MAPPER = SchemaAssertions.objectMapper();

    static final String ACCOUNT = "usr_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String OTHER_ACCOUNT = "usr_01JQ8X7N4K2M9P3R5S6T8V0W1X";
    static final String CONVERSATION = "conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H";
    static final String KEY = "key_01JQ8X3A4B5C6D7E8F9G0H1J2K";
    static final String AGENT = "agent_01JQ8Y5A6B7C8D9E0F1G2H3J4K";
    static final String MESSAGE_1 = "msg_01JQ8X4B5C6D7E8F9G0H1J2K3M";
    static final String MESSAGE_2 = "msg_01JQ8X5C6D7E8F9G0H1J2K3M4N";
    static final String MESSAGE_3 = "msg_01JQ8X6D7E8F9G0H1J2K3M4N5P";
    static final String MESSAGE_4 = "msg_01JQ8X7E8F9G0H1J2K3M4N5P6Q";
    static final String REPLY = "msg_01JQ8X8F9G0H1J2K3M4N5P6Q7R";
    static final String SUMMARY = "summary_01JQ8X9G0H1J2K3M4N5P6Q7R8S";
    static final String SECRET = "soul_4f9aX2kP7qLm3Vn8Rt5Wz1Yb6Hc0Jd";

    /** An adaptive-hash look-alike: what the schema sees is the shape the real hasher produces. */
    static final PasswordHasher HASHER = new PasswordHasher() {
        @Override
        public String hash(String password) {
            return "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$" + sha256(password).substring(0, 43);
        }

        @Override
        public boolean matches(String password, String hash) {
            return hash.equals(hash(password));
        }
    };

    /** One event as a command path emitted it. */
    record Emission(String path, Object payload) {
        @Override
        public String toString() {
            return path + ": " + payload.getClass().getSimpleName();
        }
    }

    static Stream<Arguments> emissions() {
        return emitted().stream().map(e -> Arguments.of(e.path(), e.payload()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("emissions")
    void everyEmittedEventValidatesAgainstItsSchema(String path, Object payload) throws JsonProcessingException {
        String type = Events.typeOf(payload.getClass());
        assertThat(Events.classOf(type)).as("%s is in Events.ALL", type).isEqualTo(payload.getClass());

        JsonNode json = MAPPER.valueToTree(payload);
        assertThat(SchemaAssertions.validate(type, json)).as("%s emitted by %s: %s", type, path, json).isEmpty();
        // and it reads back as the same event
        assertThat(MAPPER.treeToValue(json, payload.getClass())).isEqualTo(payload);
    }

    @Test
    void theCommandPathsTogetherEmitEveryEventOfTheContract() {
        Set<Class<?>> covered = emitted().stream().map(e -> e.payload().getClass()).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrderElementsOf(Events.ALL);
    }

    // ---------------------------------------------------------------------------------------------
    // the command paths

    static List<Emission> emitted() {
        List<Emission> all = new ArrayList<>();
        conversationPaths(all);
        accountPaths(all);
        exportPaths(all);
        return all;
    }

    static CreateConversation createWithEverything() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("thread_id", "CAF=x7Q@mail.example.com");
        metadata.put("labels", List.of("work", "follow-up"));
        metadata.put("priority", 2);
        metadata.put("score", 0.75);
        metadata.put("customer", Map.of("tier", "gold", "vip", true));
        return new CreateConversation(CONVERSATION, ACCOUNT, "  Quarterly planning ", "Can we move the review to Friday?",
                "email", metadata, "You are a concise assistant.", "gpt-4o-mini", AGENT,
                List.of(new InitialMessage(MESSAGE_1, null, "Can we move the review to Friday?"),
                        new InitialMessage(MESSAGE_2, "agent", "Friday works; I have moved it to 10:00."),
                        new InitialMessage(MESSAGE_3, "system", "The meeting was moved by the assistant.")));
    }

    private static void conversationPaths(List<Emission> all) {
        emit(all, "create with metadata and initial messages",
                conversation().givenNoPriorActivity(), createWithEverything());
        emit(all, "create with defaults (no source, no metadata, no messages)", conversation().givenNoPriorActivity(),
                new CreateConversation(CONVERSATION, ACCOUNT, "Hi", null, null, null, null, null, null, null));
        emit(all, "create at the limits", conversation().givenNoPriorActivity(),
                new CreateConversation(CONVERSATION, ACCOUNT, "t".repeat(200), "c".repeat(10_000), "whatsapp", Map.of(),
                        "", "llama3.1:8b", null, List.of(new InitialMessage(MESSAGE_1, "user", "m".repeat(10_000)))));

        Map<String, Object> merge = new LinkedHashMap<>();
        merge.put("priority", 3);
        merge.put("labels", null);
        merge.put("reviewed", true);
        merge.put("customer", Map.of("tier", "platinum"));
        emit(all, "update every field, merging metadata", conversation().givenCommands(createWithEverything()),
                new UpdateConversation(CONVERSATION, ACCOUNT, " Quarterly planning (moved) ", "Moved to Friday 10:00",
                        merge, "You are a precise assistant.", "gpt-4o", "agent_01JQ8Y6B7C8D9E0F1G2H3J4K5M"));
        Map<String, Object> removal = new LinkedHashMap<>();
        removal.put("thread_id", null);
        emit(all, "update removing a metadata key only", conversation().givenCommands(createWithEverything()),
                new UpdateConversation(CONVERSATION, ACCOUNT, null, null, removal, null, null, null));
        emit(all, "update the model only", conversation().givenCommands(createWithEverything()),
                new UpdateConversation(CONVERSATION, ACCOUNT, null, null, null, null, "llama3.1:8b", null));
        emit(all, "update the content to empty", conversation().givenCommands(createWithEverything()),
                new UpdateConversation(CONVERSATION, ACCOUNT, null, "", null, null, null, null));

        emit(all, "post a message", conversation().givenCommands(createWithEverything()),
                new PostMessage(CONVERSATION, ACCOUNT, MESSAGE_4, "Thanks! Can you also invite Grace?", "gpt-4o", true));
        emit(all, "post the first message", conversation().givenCommands(
                        new CreateConversation(CONVERSATION, ACCOUNT, "Hi", null, "api", null, null, null, null, null)),
                new PostMessage(CONVERSATION, ACCOUNT, MESSAGE_1, "Hello", null, false));

        PostMessage question = new PostMessage(CONVERSATION, ACCOUNT, MESSAGE_4, "Thanks! Can you also invite Grace?", null, true);
        emit(all, "record a reply with reasoning", conversation().givenCommands(createWithEverything(), question),
                new RecordAgentReply(CONVERSATION, REPLY, MESSAGE_4, "Done: Grace is invited to Friday 10:00.", "gpt-4o",
                        "The user asked to add a participant.", 412, 18));
        emit(all, "record a reply without reasoning", conversation().givenCommands(createWithEverything(), question),
                new RecordAgentReply(CONVERSATION, REPLY, MESSAGE_4, "Invited.", "local-extractive-1", null, 0, 0));
        emit(all, "record a reply failure", conversation().givenCommands(createWithEverything(), question),
                new RecordAgentReplyFailure(CONVERSATION, MESSAGE_4, "AI provider unavailable: connection refused", 3));
        String firstSummary = "summary_" + CONVERSATION.substring(5);
        emit(all, "record the first summary", conversation().givenCommands(createWithEverything()),
                new RecordSummary(CONVERSATION, firstSummary, "Quarterly planning moved", "The review moves to Friday 10:00.",
                        "positive", 0.4, List.of("review", "friday"), List.of("Invite Grace"), "local-extractive-1", 120, 14));
        emit(all, "record a summary without topics or action items", conversation().givenCommands(createWithEverything()),
                new RecordSummary(CONVERSATION, firstSummary, "Hi", "", "neutral", 0.0, List.of(), List.of(), "gpt-4o", 1, 1));
        emit(all, "record a summary failure", conversation().givenCommands(createWithEverything()),
                new RecordSummaryFailure(CONVERSATION, firstSummary, "Refused: unknown model", 1));
        emit(all, "request a summary in another language and style", conversation().givenCommands(createWithEverything(),
                        new RecordSummaryFailure(CONVERSATION, firstSummary, "down", 3)),
                new RequestSummary(CONVERSATION, ACCOUNT, SUMMARY, "pt-BR", "bullet"));

        attachmentPaths(all);

        emit(all, "delete", conversation().givenCommands(createWithEverything(),
                        new PostMessage(CONVERSATION, ACCOUNT, MESSAGE_4, "One more thing", null, false)),
                new DeleteConversation(CONVERSATION, ACCOUNT));
    }

    static final String ATTACHMENT = "att_01JQ8X8F9G0H1J2K3M4N5P6Q7R";

    private static void attachmentPaths(List<Emission> all) {
        AttachFile attach = new AttachFile(CONVERSATION, ACCOUNT, ATTACHMENT, "C:\\Users\\ada\\Q1 résumé.pdf", "application/pdf",
                102_400, sha256("the bytes"), ATTACHMENT);
        emit(all, "attach a file", conversation().givenCommands(createWithEverything()), attach);
        emit(all, "delete an attachment", conversation().givenCommands(createWithEverything(), attach),
                new DeleteAttachment(CONVERSATION, ACCOUNT, ATTACHMENT));
        emit(all, "delete a conversation with an attachment", conversation().givenCommands(createWithEverything(), attach),
                new DeleteConversation(CONVERSATION, ACCOUNT));
    }

    private static void accountPaths(List<Emission> all) {
        storagePaths(all);
        accessPaths(all);
        emitRegistration(all, "register with every field",
                new RegisterAccount(ACCOUNT, " Ada.Lovelace@Example.COM ", "correct horse battery staple", "Ada Lovelace",
                        "Analytical Engines Ltd", "pro", KEY, SECRET.substring(0, 9), sha256(SECRET), true));
        for (String tier : List.of("free", "premium", "ultra", "pro", "api", "enterprise")) {
            emitRegistration(all, "register on tier " + tier + " without name or company",
                    new RegisterAccount(OTHER_ACCOUNT, "ops+" + tier + "@example.org", "x".repeat(72), null, null, tier,
                            KEY, "soul_" + tier.substring(0, 3), sha256(SECRET + tier), true));
        }
    }

    /** Registers an account; the email claim is a second aggregate, created through createNew into its own store. */
    private static void emitRegistration(List<Emission> all, String path, RegisterAccount command) {
        InMemoryEventStorageEngine claimEvents = new InMemoryEventStorageEngine();
        EventSourcingRepository<Object> claims = EventSourcingRepository.builder(aggregate("ai.soul.domain.account.EmailClaim"))
                .eventStore(EmbeddedEventStore.builder().storageEngine(claimEvents).build())
                .build();
        AggregateTestFixture<Object> fixture = new AggregateTestFixture<>(aggregate("ai.soul.domain.account.Account"));
        fixture.registerInjectableResource(HASHER);
        fixture.registerRepositoryProvider(new RepositoryProvider() {
            @SuppressWarnings("unchecked")
            @Override
            public <T> Repository<T> repositoryFor(Class<T> aggregateType) {
                return (Repository<T>) claims;
            }
        });
        int before = all.size();
        emit(all, path, fixture.givenNoPriorActivity(), command);
        List<Object> claimed = claimEvents.readEvents(null, false).map(m -> (Object) m.getPayload()).toList();
        assertThat(claimed).as("the email claim of %s", path).hasSize(1);
        claimed.forEach(payload -> all.add(new Emission(path + " (email claim)", payload)));
        assertThat(all.size() - before).as("events of %s", path).isEqualTo(3);
    }

    /** Keys, tiers and identity logins. */
    private static void accessPaths(List<Emission> all) {
        var registered = new ai.soul.schemas.account.AccountRegistered(ACCOUNT, "ada@example.com", HASHER.hash("correct horse"),
                null, null, "free");
        var issued = new ai.soul.schemas.account.ApiKeyIssued(ACCOUNT, KEY, SECRET.substring(0, 9), sha256(SECRET));
        String otherKey = "key_01JQ8X8F9G0H1J2K3M4N5P6Q7S";
        emit(all, "issue another API key", account().given(registered, issued),
                new ai.soul.domain.account.AccountCommands.IssueApiKey(ACCOUNT, otherKey, "sk_other12", sha256(SECRET + "2")));
        emit(all, "revoke an API key", account().given(registered, issued),
                new ai.soul.domain.account.AccountCommands.RevokeApiKey(ACCOUNT, KEY));
        AggregateTestFixture<Object> tiers = account();
        tiers.registerInjectableResource((ai.soul.domain.account.TierCatalogue) tier -> true);
        emit(all, "change tier", tiers.given(registered), new ai.soul.domain.account.AccountCommands.ChangeTier(ACCOUNT, "enterprise"));
        emit(all, "note a registration of the account's address", account().given(registered, issued),
                new ai.soul.domain.account.AccountCommands.NoteRegistrationAttempt(ACCOUNT));

        InMemoryEventStorageEngine claimEvents = new InMemoryEventStorageEngine();
        EmbeddedEventStore claimStore = EmbeddedEventStore.builder().storageEngine(claimEvents).build();
        var emails = EventSourcingRepository.builder(aggregate("ai.soul.domain.account.EmailClaim")).eventStore(claimStore).build();
        var identities = EventSourcingRepository.builder(aggregate("ai.soul.domain.account.IdentityClaim")).eventStore(claimStore).build();
        AggregateTestFixture<Object> fixture = account();
        fixture.registerRepositoryProvider(new RepositoryProvider() {
            @SuppressWarnings("unchecked")
            @Override
            public <T> Repository<T> repositoryFor(Class<T> type) {
                return (Repository<T>) (type.getSimpleName().equals("IdentityClaim") ? identities : emails);
            }
        });
        String issuer = "https://securetoken.google.com/soul-demo";
        emit(all, "register by identity", fixture.givenNoPriorActivity(),
                new ai.soul.domain.account.AccountCommands.RegisterByIdentity(ACCOUNT, "Ada@Example.com", "Ada", "free", issuer,
                        ai.soul.domain.account.ClaimKeys.identity(issuer, "uid-1")));
        claimEvents.readEvents(null, false).map(m -> (Object) m.getPayload())
                .forEach(payload -> all.add(new Emission("register by identity (claims)", payload)));
    }

    /** Reserving and releasing storage, on an account given as its registration event. */
    private static void storagePaths(List<Emission> all) {
        var registered = new ai.soul.schemas.account.AccountRegistered(ACCOUNT, "ada@example.com", HASHER.hash("correct horse"),
                null, null, "free");
        var reserved = new ai.soul.schemas.account.StorageReserved(ACCOUNT, ATTACHMENT, 102_400);
        emit(all, "reserve storage for an attachment", account().given(registered), new ReserveStorage(ACCOUNT, ATTACHMENT, 102_400, 104_857_600));
        emit(all, "release an attachment's storage", account().given(registered, reserved), new ReleaseStorage(ACCOUNT, ATTACHMENT));
        String export = "exp_01JQ8XA0H1J2K3M4N5P6Q7R8S9";
        String file = "6560a1f2e4b0c1d2e3f4a5b6";
        emit(all, "reserve storage for an export's file", account().given(registered),
                new ai.soul.domain.account.AccountCommands.ReserveExportStorage(ACCOUNT, export, file, 5_452_595, 104_857_600));
        emit(all, "release an export's storage", account().given(registered,
                        new ai.soul.schemas.account.ExportStorageReserved(ACCOUNT, export, file, 5_452_595)),
                new ai.soul.domain.account.AccountCommands.ReleaseExportStorage(ACCOUNT, export, null));
    }

    /** An export's whole life: requested (queued), progressed, completed or failed, expired or deleted, dequeued. */
    private static void exportPaths(List<Emission> all) {
        String export = "exp_01JQ8XA0H1J2K3M4N5P6Q7R8S9";
        var requested = new ai.soul.schemas.export.ExportRequested(export, ACCOUNT, "pdf", "2024-01-01", "2024-01-31", true);
        var completed = new ai.soul.schemas.export.ExportCompleted(export, ACCOUNT, export, export + ".zip", "application/zip",
                5_452_595, 12, "2024-01-08T10:00:00Z");
        for (var request : List.of(
                new ai.soul.domain.export.ExportCommands.RequestExport(export, ACCOUNT, "pdf", "2024-01-01", "2024-01-31", true, 5),
                new ai.soul.domain.export.ExportCommands.RequestExport(export, ACCOUNT, "json", null, null, false, 5))) {
            InMemoryEventStorageEngine exportEvents = new InMemoryEventStorageEngine();
            var exports = EventSourcingRepository.builder(aggregate("ai.soul.domain.export.Export"))
                    .eventStore(EmbeddedEventStore.builder().storageEngine(exportEvents).build()).build();
            AggregateTestFixture<Object> queue = new AggregateTestFixture<>(aggregate("ai.soul.domain.export.ExportQueue"));
            queue.registerRepositoryProvider(new RepositoryProvider() {
                @SuppressWarnings("unchecked")
                @Override
                public <T> Repository<T> repositoryFor(Class<T> type) {
                    return (Repository<T>) exports;
                }
            });
            emit(all, "request an export (" + request.format() + ")", queue.givenNoPriorActivity(), request);
            exportEvents.readEvents(null, false).map(m -> (Object) m.getPayload())
                    .forEach(payload -> all.add(new Emission("request an export (the export)", payload)));
        }
        emit(all, "dequeue a finished export", new AggregateTestFixture<>(aggregate("ai.soul.domain.export.ExportQueue"))
                        .given(new ai.soul.schemas.export.ExportQueued(ACCOUNT, export)),
                new ai.soul.domain.export.ExportCommands.DequeueExport(ACCOUNT, export));
        emit(all, "delete an export", export().given(requested, completed),
                new ai.soul.domain.export.ExportCommands.DeleteExport(export, ACCOUNT));
        emit(all, "delete a processing export", export().given(requested),
                new ai.soul.domain.export.ExportCommands.DeleteExport(export, ACCOUNT));
        emit(all, "record an export's progress", export().given(requested),
                new ai.soul.domain.export.ExportCommands.RecordExportProgress(export, 40));
        emit(all, "complete an export", export().given(requested),
                new ai.soul.domain.export.ExportCommands.CompleteExport(export, export, export + ".zip", "application/zip",
                        5_452_595, 12, java.time.Instant.parse("2024-01-08T10:00:00Z")));
        emit(all, "fail an export", export().given(requested),
                new ai.soul.domain.export.ExportCommands.FailExport(export, "Failed: IOException"));
        emit(all, "expire an export", export().given(requested, completed),
                new ai.soul.domain.export.ExportCommands.ExpireExport(export));
    }

    private static AggregateTestFixture<Object> export() {
        return new AggregateTestFixture<>(aggregate("ai.soul.domain.export.Export"));
    }

    private static AggregateTestFixture<Object> account() {
        return new AggregateTestFixture<>(aggregate("ai.soul.domain.account.Account"));
    }

    private static AggregateTestFixture<Object> conversation() {
        AggregateTestFixture<Object> fixture = new AggregateTestFixture<>(aggregate("ai.soul.domain.conversation.Conversation"));
        fixture.registerInjectableResource(CATALOGUE);
        fixture.registerInjectableResource(ai.soul.domain.conversation.ConversationLimits.DEFAULTS);
        return fixture;
    }

    /** The models the llm_id rule accepts here; commands never call a model. */
    static final AiPort CATALOGUE = new AiPort() {
        @Override
        public List<Model> models() {
            return List.of("gpt-4o-mini", "gpt-4o", "llama3.1:8b", "local-extractive-1").stream()
                    .map(id -> new Model(id, id, "llm", 8192, 0, "test")).toList();
        }

        @Override
        public Reply reply(ReplyRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Summary summarize(SummaryRequest request) {
            throw new UnsupportedOperationException();
        }
    };

    /** Runs one command and keeps every event it published; the command must succeed and emit something. */
    private static void emit(List<Emission> all, String path, TestExecutor<Object> given, Object command) {
        List<Object> payloads = new ArrayList<>();
        given.when(command)
                .expectSuccessfulHandlerExecution()
                .expectEventsMatching(new CustomMatcher<List<EventMessage<?>>>("any events, captured") {
                    @Override
                    public boolean matches(Object item) {
                        ((List<?>) item).forEach(message -> payloads.add(((EventMessage<?>) message).getPayload()));
                        return true;
                    }
                });
        assertThat(payloads).as("events emitted by %s", path).isNotEmpty();
        payloads.forEach(payload -> all.add(new Emission(path, payload)));
    }

    /** The aggregates are package-private in their own packages; the fixture only needs their class. */
    @SuppressWarnings("unchecked")
    private static Class<Object> aggregate(String name) {
        try {
            return (Class<Object>) Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("aggregate " + name + " moved? update this test", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
