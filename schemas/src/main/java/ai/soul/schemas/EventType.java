package ai.soul.schemas;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The CloudEvents {@code type} of an event record, for example {@code soul.conversation.created.v1}.
 * The trailing {@code vN} is the event's version: a published version never changes; a new shape
 * is a new record with the next version plus an upcaster from the old one.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {
    String value();
}
