package ai.soul.schemas;

import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.StorageReleased;
import ai.soul.schemas.account.StorageReserved;
import ai.soul.schemas.account.EmailClaimed;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.AgentReplyRequested;
import ai.soul.schemas.conversation.AttachmentAdded;
import ai.soul.schemas.conversation.AttachmentDeleted;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import ai.soul.schemas.conversation.SummaryRequested;
import ai.soul.schemas.export.ExportCompleted;
import ai.soul.schemas.export.ExportExpired;
import ai.soul.schemas.export.ExportFailed;
import ai.soul.schemas.export.ExportProgressed;
import ai.soul.schemas.export.ExportRequested;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every event record has a JSON Schema, the two agree, and what goes on the wire validates. */
class EventSchemasTest {

    private static final ObjectMapper MAPPER = SchemaAssertions.objectMapper();

    private static final Set<String> TOP_LEVEL_KEYWORDS = Set.of(
            "$schema", "$id", "title", "description", "type", "additionalProperties", "required", "properties");
    private static final Set<String> PROPERTY_KEYWORDS = Set.of(
            "type", "description", "pattern", "minLength", "maxLength", "format", "enum", "minimum", "maximum",
            "additionalProperties", "items");

    private static final String ACCOUNT = "usr_01JD5X7Q3M8N4P6R2T9V0W1Y3Z";
    private static final String CONVERSATION = "conv_01JD5X9B2C4D6E8F0G1H3J5K7M";
    private static final String MESSAGE = "msg_01JD5XA0N2P4Q6R8S0T1V3W5X7";
    private static final String KEY = "key_01JD5X8A1B3C5D7E9F0G2H4J6K";
    private static final String REPLY = "msg_01JD5XB1P3Q5R7S9T0V2W4X6Y8";
    private static final String SUMMARY = "summary_01JD5XC2Q4R6S8T0V1W3X5Y7Z9";
    private static final String ATTACHMENT = "att_01JD5XD3R5S7T9V0W2X4Y6Z8A1";
    private static final String EXPORT = "exp_01JD5XE4S6T8V0W1X3Y5Z7A9B2";
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static Stream<Class<?>> events() {
        return Events.ALL.stream();
    }

    /** Realistic events as the domain emits them; at least one of every type. */
    static Stream<Object> samples() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("thread_id", "CAF=x7Q@mail.example.com");
        metadata.put("labels", List.of("work", "follow-up"));
        metadata.put("priority", 2);
        metadata.put("customer", Map.of("tier", "gold", "vip", true));
        Map<String, Object> metadataChange = new LinkedHashMap<>();
        metadataChange.put("priority", 3);
        metadataChange.put("labels", null);
        return Stream.of(
                new EmailClaimed(SHA256, ACCOUNT),
                new AccountRegistered(ACCOUNT, "ada.lovelace@example.com",
                        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                        "Ada Lovelace", "Analytical Engines Ltd", "free"),
                new AccountRegistered(ACCOUNT, "ops@example.org",
                        "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", null, null, "enterprise"),
                new ApiKeyIssued(ACCOUNT, KEY, "sk_live_4f9a", SHA256),
                new ConversationCreated(CONVERSATION, ACCOUNT, "Quarterly planning",
                        "Can we move the review to Friday?", "email", metadata, "You are a concise assistant.",
                        "gpt-4o-mini", "agent_01JD5XB3C5D7E9F1G2H4J6K8M0"),
                new ConversationCreated(CONVERSATION, ACCOUNT, "Hi", null, "whatsapp", null, null, null, null),
                new ConversationUpdated(CONVERSATION, ACCOUNT, "Quarterly planning (moved)", null, metadataChange,
                        null, null, null),
                new ConversationUpdated(CONVERSATION, ACCOUNT, null, null, null, null, "llama3.1:8b", null),
                new ConversationDeleted(CONVERSATION, ACCOUNT),
                new MessagePosted(CONVERSATION, ACCOUNT, MESSAGE, 0, "user", "Can we move the review to Friday?"),
                new MessagePosted(CONVERSATION, ACCOUNT, MESSAGE, 1, "agent",
                        "Friday works; I have moved it to 10:00."),
                new AgentReplyRequested(CONVERSATION, ACCOUNT, MESSAGE, null, false),
                new AgentReplyRequested(CONVERSATION, ACCOUNT, MESSAGE, "llama3.1:8b", true),
                new AgentReplied(CONVERSATION, ACCOUNT, REPLY, 1, MESSAGE, "Friday works; the review moves to Friday.",
                        "local-extractive-1", null, 42, 9),
                new AgentReplied(CONVERSATION, ACCOUNT, REPLY, 1, MESSAGE, "Friday at 10:00 is free.", "gpt-4o-mini",
                        "The calendar shows Friday morning free.", 120, 11),
                new AgentReplyFailed(CONVERSATION, ACCOUNT, MESSAGE, "The model server did not answer within 30 s", 3),
                new SummaryRequested(CONVERSATION, ACCOUNT, SUMMARY, "en", "concise"),
                new SummaryRequested(CONVERSATION, ACCOUNT, SUMMARY, "pt-BR", "bullet"),
                new SummaryGenerated(CONVERSATION, ACCOUNT, SUMMARY, "Review moved to Friday",
                        "The quarterly review moves to Friday at 10:00.", "positive", 0.4, List.of("review", "friday"),
                        List.of("Send the new invitation"), "local-extractive-1", "en", "concise", 58, 12),
                new SummaryGenerated(CONVERSATION, ACCOUNT, SUMMARY, "Hi", "", "neutral", 0.0, List.of(), List.of(),
                        "local-extractive-1", "en", "detailed", 1, 0),
                new SummaryFailed(CONVERSATION, ACCOUNT, SUMMARY, "The model server answered 503", 3),
                new AttachmentAdded(CONVERSATION, ACCOUNT, ATTACHMENT, "requirements.pdf", "application/pdf", 102_400,
                        SHA256, "6560a1f2e4b0c1d2e3f4a5b6"),
                new AttachmentDeleted(CONVERSATION, ACCOUNT, ATTACHMENT, 102_400),
                new StorageReserved(ACCOUNT, ATTACHMENT, 102_400),
                new StorageReleased(ACCOUNT, ATTACHMENT, 0),
                new ai.soul.schemas.account.ApiKeyRevoked(ACCOUNT, "key_01JD5X9B2C4D6E8F0G1H3J5K7M", "a".repeat(64)),
                new ai.soul.schemas.account.TierChanged(ACCOUNT, "free", "pro"),
                new ai.soul.schemas.account.AccountRegisteredByIdentity(ACCOUNT, "ada@example.com", "Ada", "free",
                        "https://securetoken.google.com/soul-demo"),
                new ai.soul.schemas.account.AccountRegisteredByIdentity(ACCOUNT, "ada@example.com", null, "free",
                        "https://accounts.example.com"),
                new ai.soul.schemas.account.IdentityClaimed("b".repeat(64), ACCOUNT, "https://accounts.example.com"),
                new ai.soul.schemas.account.RegistrationAttempted(ACCOUNT),
                new ExportRequested(EXPORT, ACCOUNT, "pdf", "2024-01-01", "2024-01-31", true),
                new ExportRequested(EXPORT, ACCOUNT, "json", null, null, false),
                new ExportProgressed(EXPORT, ACCOUNT, 40),
                new ExportCompleted(EXPORT, ACCOUNT, EXPORT, EXPORT + ".zip", "application/zip", 5_452_595, 12,
                        "2024-01-08T10:00:00Z"),
                new ExportFailed(EXPORT, ACCOUNT, "Failed: IOException"),
                new ExportExpired(EXPORT, ACCOUNT, EXPORT),
                new ai.soul.schemas.export.ExportQueued(ACCOUNT, EXPORT),
                new ai.soul.schemas.export.ExportDequeued(ACCOUNT, EXPORT),
                new ai.soul.schemas.export.ExportDeleted(EXPORT, ACCOUNT, "6560a1f2e4b0c1d2e3f4a5b6"),
                new ai.soul.schemas.export.ExportDeleted(EXPORT, ACCOUNT, null),
                new ai.soul.schemas.account.ExportStorageReserved(ACCOUNT, EXPORT, "6560a1f2e4b0c1d2e3f4a5b6", 5_452_595),
                new ai.soul.schemas.account.ExportStorageReleased(ACCOUNT, EXPORT, "6560a1f2e4b0c1d2e3f4a5b6", 5_452_595));
    }

    /** Instances that break the contract in one way each, and the property their one error names. */
    static Stream<Arguments> brokenInstances() {
        ConversationCreated created = new ConversationCreated(CONVERSATION, ACCOUNT, "Planning", "Hello", "api",
                Map.of("k", "v"), null, null, null);
        MessagePosted posted = new MessagePosted(CONVERSATION, ACCOUNT, MESSAGE, 0, "user", "Hello");
        AccountRegistered registered = new AccountRegistered(ACCOUNT, "ada@example.com", "hash", null, null, "free");
        return Stream.of(
                broken("missing account_id", "account_id", created, json -> json.remove("account_id")),
                broken("missing nullable field", "content", created, json -> json.remove("content")),
                broken("unknown property", "status", created, json -> json.put("status", "open")),
                broken("wrong conversation id prefix", "conversation_id", created,
                        json -> json.put("conversation_id", "con_01JD5X9B2C4D6E8F0G1H3J5K7M")),
                broken("account id of another kind", "account_id", created,
                        json -> json.put("account_id", CONVERSATION)),
                broken("id too short", "account_id", created, json -> json.put("account_id", "usr_01JD5X7Q3M")),
                broken("title too long", "title", created, json -> json.put("title", "x".repeat(201))),
                broken("empty title", "title", created, json -> json.put("title", "")),
                broken("null title on creation", "title", created, json -> json.putNull("title")),
                broken("content too long", "content", created, json -> json.put("content", "x".repeat(10_001))),
                broken("unknown source", "source", created, json -> json.put("source", "sms")),
                broken("metadata not an object", "metadata", created, json -> json.put("metadata", "k=v")),
                broken("unknown role", "role", posted, json -> json.put("role", "assistant")),
                broken("negative index", "index", posted, json -> json.put("index", -1)),
                broken("fractional index", "index", posted, json -> json.put("index", 1.5)),
                broken("empty message", "content", posted, json -> json.put("content", "")),
                broken("null message", "content", posted, json -> json.putNull("content")),
                broken("wrong message id prefix", "message_id", posted,
                        json -> json.put("message_id", "m_01JD5XA0N2P4Q6R8S0T1V3W5X7")),
                broken("not an email", "email", registered, json -> json.put("email", "ada.example.com")),
                broken("unknown tier", "tier", registered, json -> json.put("tier", "gold")),
                broken("notice of another kind of id", "account_id", new ai.soul.schemas.account.RegistrationAttempted(ACCOUNT),
                        json -> json.put("account_id", CONVERSATION)),
                broken("notice with something of the attempt", "email",
                        new ai.soul.schemas.account.RegistrationAttempted(ACCOUNT), json -> json.put("email", "eve@example.com")),
                broken("name too long", "name", registered, json -> json.put("name", "x".repeat(201))),
                broken("upper-case hash", "email_hash", new EmailClaimed(SHA256, ACCOUNT),
                        json -> json.put("email_hash", SHA256.toUpperCase())),
                broken("prefix too long", "prefix", new ApiKeyIssued(ACCOUNT, KEY, "sk_live", SHA256),
                        json -> json.put("prefix", "sk_live_0123456789")),
                broken("sentiment out of range", "sentiment_score",
                        new SummaryGenerated(CONVERSATION, ACCOUNT, SUMMARY, "T", "C", "neutral", 0, List.of(), List.of(),
                                "m", "en", "concise", 0, 0), json -> json.put("sentiment_score", 1.5)),
                broken("topic not a string", "topics",
                        new SummaryGenerated(CONVERSATION, ACCOUNT, SUMMARY, "T", "C", "neutral", 0, List.of(), List.of(),
                                "m", "en", "concise", 0, 0), json -> json.putArray("topics").add(3)),
                broken("unknown style", "style", new SummaryRequested(CONVERSATION, ACCOUNT, SUMMARY, "en", "concise"),
                        json -> json.put("style", "poem")),
                broken("upper-case digest", "sha256",
                        new AttachmentAdded(CONVERSATION, ACCOUNT, ATTACHMENT, "a.txt", "text/plain", 1, SHA256, "x"),
                        json -> json.put("sha256", SHA256.toUpperCase())),
                broken("unknown export format", "format", new ExportRequested(EXPORT, ACCOUNT, "pdf", null, null, false),
                        json -> json.put("format", "docx")),
                broken("progress over 100", "progress", new ExportProgressed(EXPORT, ACCOUNT, 10),
                        json -> json.put("progress", 101)),
                broken("updated without conversation id", "conversation_id",
                        new ConversationUpdated(CONVERSATION, ACCOUNT, "T", null, null, null, null, null),
                        json -> json.putNull("conversation_id")));
    }

    private static Arguments broken(String what, String property, Object event, Consumer<ObjectNode> breakIt) {
        ObjectNode json = (ObjectNode) SchemaAssertions.toJson(event);
        breakIt.accept(json);
        return Arguments.of(what, property, Events.typeOf(event.getClass()), json);
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventHasAWellFormedDraft202012Schema(Class<?> event) throws IOException {
        String type = Events.typeOf(event);
        JsonNode schema = schemaDocument(type);

        assertThat(metaSchema().validate(MAPPER.writeValueAsString(schema), InputFormat.JSON)).isEmpty();
        assertThat(SchemaAssertions.schema(type).getId()).isEqualTo(SchemaAssertions.schemaId(type));
        assertThat(schema.path("$schema").asText()).isEqualTo(SpecificationVersion.DRAFT_2020_12.getDialectId());
        assertThat(schema.path("$id").asText())
                .isEqualTo("https://schemas.soul.ai/events/" + type + ".json")
                .endsWith(Events.schemaResource(type).substring("/schemas".length()));
        assertThat(schema.path("title").asText()).isEqualTo(event.getSimpleName());
        assertThat(schema.path("description").asText()).isNotBlank();
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("additionalProperties").isBoolean()).isTrue();
        assertThat(schema.path("additionalProperties").booleanValue()).isFalse();
        assertThat(fieldNames(schema)).isSubsetOf(TOP_LEVEL_KEYWORDS);
        schema.path("properties").properties().forEach(property ->
                assertThat(fieldNames(property.getValue()))
                        .as("keywords of %s in %s", property.getKey(), type)
                        .isSubsetOf(PROPERTY_KEYWORDS)
                        .contains("type", "description"));
    }

    @Test
    void everySchemaFileBelongsToAnEvent() throws IOException, URISyntaxException {
        Path folder = Path.of(SchemaAssertions.class.getResource("/schemas").toURI());
        Set<String> files;
        try (Stream<Path> paths = Files.list(folder)) {
            files = paths.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
        }
        Set<String> expected = Events.ALL.stream()
                .map(event -> Events.typeOf(event) + ".json").collect(Collectors.toSet());
        assertThat(files).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("events")
    void recordAndSchemaHaveTheSameFields(Class<?> event) throws IOException {
        JsonNode schema = schemaDocument(Events.typeOf(event));
        Set<String> properties = fieldNames(schema.path("properties"));
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));

        List<String> components = Stream.of(event.getRecordComponents()).map(EventSchemasTest::wireName).toList();
        List<String> serialized = MAPPER.getSerializationConfig()
                .introspect(MAPPER.constructType(event)).findProperties().stream()
                .map(BeanPropertyDefinition::getName).toList();

        assertThat(components).containsExactlyElementsOf(properties);
        assertThat(serialized).containsExactlyInAnyOrderElementsOf(properties);
        assertThat(required).containsExactlyElementsOf(properties);
    }

    @ParameterizedTest
    @MethodSource("events")
    void recordAndSchemaAgreeOnTypes(Class<?> event) throws IOException {
        JsonNode properties = schemaDocument(Events.typeOf(event)).path("properties");
        for (RecordComponent component : event.getRecordComponents()) {
            String name = wireName(component);
            Set<String> types = new HashSet<>();
            JsonNode type = properties.path(name).path("type");
            if (type.isArray()) {
                type.forEach(t -> types.add(t.asText()));
            } else {
                types.add(type.asText());
            }
            String expected = jsonType(component.getType());
            if (component.getType().isPrimitive()) {
                assertThat(types).as("type of %s in %s", name, event.getSimpleName()).containsExactly(expected);
            } else {
                assertThat(types).as("type of %s in %s", name, event.getSimpleName())
                        .isIn(Set.of(expected), Set.of(expected, "null"));
            }
        }
    }

    @Test
    void everyEventHasASample() {
        assertThat(samples().map(Object::getClass).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(Events.ALL);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void samplesSerializedAsOnTheWireValidate(Object sample) {
        SchemaAssertions.assertValid(sample);
    }

    @Test
    void serializationWritesSnakeCaseAndNulls() {
        JsonNode json = SchemaAssertions.toJson(
                new ConversationCreated(CONVERSATION, ACCOUNT, "Hi", null, "api", null, null, "gpt-4o-mini", null));
        assertThat(fieldNames(json)).containsExactly("conversation_id", "account_id", "title", "content", "source",
                "metadata", "system_prompt", "llm_id", "agent_id");
        assertThat(json.get("content").isNull()).isTrue();
        assertThat(json.get("llm_id").asText()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void limitsAreInclusive() {
        String type = Events.typeOf(ConversationCreated.class);
        ObjectNode json = (ObjectNode) SchemaAssertions.toJson(new ConversationCreated(CONVERSATION, ACCOUNT,
                "x".repeat(200), "y".repeat(10_000), "api", null, null, null, null));
        SchemaAssertions.assertValid(type, json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenInstances")
    void brokenInstancesFailForTheirOneReason(String what, String property, String type, JsonNode instance) {
        assertThat(SchemaAssertions.validate(type, instance)).as(what)
                .singleElement().asString().contains(property);
    }

    private static JsonNode schemaDocument(String type) throws IOException {
        try (InputStream in = EventSchemasTest.class.getResourceAsStream(Events.schemaResource(type))) {
            assertThat(in).as("schema resource of %s", type).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    private static String wireName(RecordComponent component) {
        return ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE)
                .translate(component.getName());
    }

    private static String jsonType(Class<?> javaType) {
        if (javaType == String.class) {
            return "string";
        }
        if (javaType == int.class || javaType == long.class || javaType == Integer.class || javaType == Long.class) {
            return "integer";
        }
        if (Map.class.isAssignableFrom(javaType)) {
            return "object";
        }
        if (List.class.isAssignableFrom(javaType)) {
            return "array";
        }
        if (javaType == boolean.class || javaType == Boolean.class) {
            return "boolean";
        }
        if (javaType == double.class || javaType == Double.class) {
            return "number";
        }
        throw new AssertionError("No JSON type known for " + javaType.getName() + "; extend this test");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Schema metaSchema() {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                        builder -> builder.schemaRegistryConfig(
                                SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()))
                .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    }
}
