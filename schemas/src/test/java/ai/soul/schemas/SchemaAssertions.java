package ai.soul.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks JSON against the event contract. For tests in any module (shipped in the test-jar of
 * {@code schemas}); needs networknt json-schema-validator 3.x and Jackson 2 databind on the test
 * class path, nothing else. Assertion failures are plain {@link AssertionError}s.
 *
 * <p>Events are written as on the wire and in the event store: Jackson 2, snake_case property
 * names, nulls written as JSON null. Schemas are read from the class path
 * ({@link Events#schemaResource(String)}); {@code format} (e.g. {@code email}) is asserted, not
 * only annotated.
 */
public final class SchemaAssertions {

    /** Every event schema's {@code $id} is this followed by {@code <type>.json}. */
    public static final String ID_BASE = "https://schemas.soul.ai/events/";

    private static final ObjectMapper MAPPER = objectMapper();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                    .schemaIdResolvers(ids -> ids.mapPrefix(ID_BASE, "classpath:schemas/")));

    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private SchemaAssertions() {
    }

    /** A new ObjectMapper configured like the wire format: snake_case names, nulls included. */
    public static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setDefaultPropertyInclusion(JsonInclude.Include.ALWAYS);
    }

    /** The {@code $id} of a type's schema. */
    public static String schemaId(String type) {
        return ID_BASE + type + ".json";
    }

    /** The compiled schema of a type, loaded once from the class path. */
    public static Schema schema(String type) {
        if (SchemaAssertions.class.getResource(Events.schemaResource(type)) == null) {
            throw new AssertionError("No JSON Schema on the class path for event type " + type
                    + " (expected " + Events.schemaResource(type) + ")");
        }
        return SCHEMAS.computeIfAbsent(type, t -> REGISTRY.getSchema(SchemaLocation.of(schemaId(t))));
    }

    /** An event record as it goes on the wire. */
    public static JsonNode toJson(Object event) {
        return MAPPER.valueToTree(event);
    }

    /** The schema violations of an instance of a type, empty when it is valid. */
    public static List<String> validate(String type, JsonNode instance) {
        String json;
        try {
            json = MAPPER.writeValueAsString(instance);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return schema(type).validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    /** Fails unless the instance is valid against the schema of the type. */
    public static void assertValid(String type, JsonNode instance) {
        List<String> errors = validate(type, instance);
        if (!errors.isEmpty()) {
            throw new AssertionError("Not a valid " + type + ": " + String.join("; ", errors));
        }
    }

    /** Fails unless the event record, serialized as on the wire, is valid against its schema. */
    public static void assertValid(Object event) {
        assertValid(Events.typeOf(event.getClass()), toJson(event));
    }

    /** Fails if the instance is valid against the schema of the type. */
    public static void assertInvalid(String type, JsonNode instance) {
        if (validate(type, instance).isEmpty()) {
            throw new AssertionError("Expected an invalid " + type + " but it validates: " + instance);
        }
    }
}
