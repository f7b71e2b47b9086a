package ai.soul.schemas;

import ai.soul.schemas.account.AccountEvent;
import ai.soul.schemas.conversation.ConversationEvent;
import ai.soul.schemas.export.ExportEvent;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Every event of the public contract, and the lookups between a record and its CloudEvents type. */
public final class Events {

    /** The records permitted by each capability's sealed event type: a new event joins by joining its type's permits. */
    public static final List<Class<?>> ALL = Stream.of(AccountEvent.class, ConversationEvent.class, ExportEvent.class)
            .<Class<?>>flatMap(aggregate -> Arrays.stream(aggregate.getPermittedSubclasses())).toList();

    private static final Map<String, Class<?>> BY_TYPE =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Events::typeOf, Function.identity()));

    private Events() {
    }

    public static String typeOf(Class<?> event) {
        EventType type = event.getAnnotation(EventType.class);
        if (type == null) {
            throw new IllegalArgumentException(event.getName() + " is not an event of the contract");
        }
        return type.value();
    }

    /** The record for a CloudEvents type, or null for a type this version of the contract does not know. */
    public static Class<?> classOf(String type) {
        return BY_TYPE.get(type);
    }

    /** The version number at the end of the type: {@code soul.conversation.created.v1} is 1. */
    public static String versionOf(Class<?> event) {
        String type = typeOf(event);
        return type.substring(type.lastIndexOf(".v") + 2);
    }

    /** Where the JSON Schema of a type lives on the class path. */
    public static String schemaResource(String type) {
        return "/schemas/" + type + ".json";
    }
}
