package ai.soul.edge.web;

import ai.soul.edge.Ids;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;

/**
 * A path variable that holds an id with this prefix: {@code @PathVariable @ResourceId("conv") String id}.
 * An id of another shape cannot exist, so it is answered at conversion, in one place, exactly as an id
 * that does not exist: 404 with "Conversation X not found" ({@link Ids#notFound}).
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface ResourceId {

    /** The id's prefix, without the underscore ({@code conv}, {@code att}, {@code exp}, {@code summary}). */
    String value();

    /**
     * Checks every {@code @ResourceId} value; registered once for both apps ({@link WebConfiguration}). A
     * converter rather than a formatter: a formatter's parser never sees a blank value, which must be 404 too.
     */
    final class Check implements ConditionalGenericConverter {

        @Override
        public Set<ConvertiblePair> getConvertibleTypes() {
            return Set.of(new ConvertiblePair(String.class, String.class));
        }

        @Override
        public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
            return targetType.hasAnnotation(ResourceId.class);
        }

        @Override
        public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
            String prefix = targetType.getAnnotation(ResourceId.class).value();
            String id = (String) source;
            if (id != null && !Ids.looksLike(prefix, id)) {
                throw Ids.notFound(prefix, id);
            }
            return id;
        }
    }
}
