package ai.soul.edge.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.core.ResolvableType;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A JSON body's fields of the wrong type, all of them, reported together with every other broken field.
 * Jackson stops at the first wrong type, which would hide the rest. So the body is read again without
 * each wrong-typed field (as if it had not been sent), the handler runs with what did bind, and whatever
 * it refuses is answered together with the type errors: the domain's field rules on the other fields
 * included. While type errors are pending a request changes nothing: the command side refuses every
 * command after checking it ({@link #pending()}), and an answer the handler gives all the same becomes
 * the 422 ({@link ApiExceptionHandler}).
 */
public final class TypeErrors {

    private static final String ATTRIBUTE = TypeErrors.class.getName() + ".pending";
    /** More wrong types than any body of the API has fields: a body built to make the reading loop is refused as it is. */
    private static final int MAX_ERRORS = 100;

    private TypeErrors() {
    }

    /** The pending type errors of the current request (field to messages), or null when it has none. */
    @SuppressWarnings("unchecked")
    public static Map<String, List<String>> pending() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request == null ? null : (Map<String, List<String>>) request.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    }

    /** The refusal a command is given, once it has passed its own checks, while its request has type errors. */
    public static ApiException refusal(Map<String, List<String>> pending) {
        return ApiException.validation(pending);
    }

    @SuppressWarnings("unchecked")
    static Map<String, List<String>> pending(HttpServletRequest request) {
        return (Map<String, List<String>>) request.getAttribute(ATTRIBUTE);
    }

    /**
     * The answer to a request with type errors: 422 naming them and, when the handler refused fields too,
     * those fields (a field of the wrong type is named by its type error only).
     */
    static ApiException answer(Map<String, List<String>> types, ApiException refusal) {
        Map<String, List<String>> fields = new LinkedHashMap<>(types);
        if (refusal != null && refusal.details() != null && refusal.status().value() == 422
                && refusal.details().get("fields") instanceof Map<?, ?> others) {
            others.forEach((field, messages) -> {
                if (!fields.containsKey(String.valueOf(field)) && messages instanceof List<?> list) {
                    fields.put(String.valueOf(field), list.stream().map(String::valueOf).toList());
                }
            });
        }
        return ApiException.validation(fields);
    }

    /** The API's JSON reader: Spring's, but a body with wrong-typed fields is bound without them (see {@link TypeErrors}). */
    public static final class Reader extends JacksonJsonHttpMessageConverter {

        public Reader(JsonMapper mapper) {
            super(mapper);
        }

        @Override
        public Object read(ResolvableType type, HttpInputMessage input, Map<String, Object> hints) throws IOException {
            // within the body limit (1 MB): kept, to be read again should a field have the wrong type
            byte[] body = input.getBody().readAllBytes();
            try {
                return super.read(type, again(input, body), hints);
            } catch (HttpMessageNotReadableException e) {
                MismatchedInputException first = mismatchIn(e);
                if (first == null) {
                    throw e;
                }
                return bindAround(type, body, e);
            }
        }

        private Object bindAround(ResolvableType type, byte[] body, HttpMessageNotReadableException original) {
            JsonNode tree;
            try {
                tree = getMapper().readTree(body);
            } catch (RuntimeException malformed) {
                throw original;
            }
            JavaType javaType = getJavaType(type.getType(), null);
            Map<String, List<String>> errors = new LinkedHashMap<>();
            while (errors.size() < MAX_ERRORS) {
                try {
                    Object value = getMapper().readerFor(javaType).readValue(tree);
                    RequestAttributes request = RequestContextHolder.getRequestAttributes();
                    if (request == null || errors.isEmpty()) {
                        throw original;
                    }
                    request.setAttribute(ATTRIBUTE, errors, RequestAttributes.SCOPE_REQUEST);
                    return value;
                } catch (MismatchedInputException mismatch) {
                    String field = fieldOf(mismatch);
                    if (mismatch.getPath().isEmpty() || errors.containsKey(field) || !remove(tree, mismatch.getPath())) {
                        throw original;
                    }
                    errors.put(field, List.of("must be " + simpleType(mismatch.getTargetType())));
                }
            }
            throw original;
        }

        private static MismatchedInputException mismatchIn(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MismatchedInputException mismatch) {
                    return mismatch.getPath().isEmpty() ? null : mismatch;
                }
            }
            return null;
        }

        /** Takes the wrong-typed value out: a property goes, an array element becomes null (the others keep their index). */
        private static boolean remove(JsonNode tree, List<DatabindException.Reference> path) {
            JsonNode parent = tree;
            for (DatabindException.Reference step : path.subList(0, path.size() - 1)) {
                parent = step.getPropertyName() != null ? parent.get(step.getPropertyName()) : parent.get(step.getIndex());
                if (parent == null) {
                    return false;
                }
            }
            DatabindException.Reference last = path.get(path.size() - 1);
            if (parent instanceof ObjectNode object && last.getPropertyName() != null && object.has(last.getPropertyName())) {
                object.remove(last.getPropertyName());
                return true;
            }
            if (parent instanceof ArrayNode array && last.getIndex() >= 0 && last.getIndex() < array.size()
                    && !array.get(last.getIndex()).isNull()) {
                array.set(last.getIndex(), NullNode.getInstance());
                return true;
            }
            return false;
        }

        private static HttpInputMessage again(HttpInputMessage input, byte[] body) {
            return new HttpInputMessage() {
                @Override
                public InputStream getBody() {
                    return new ByteArrayInputStream(body);
                }

                @Override
                public HttpHeaders getHeaders() {
                    return input.getHeaders();
                }
            };
        }
    }

    /** {@code messages[0].content}: the field as the client named it. */
    static String fieldOf(DatabindException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    static String simpleType(Class<?> type) {
        if (type == null) return "of another type";
        if (CharSequence.class.isAssignableFrom(type)) return "a string";
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "a boolean";
        if (Map.class.isAssignableFrom(type)) return "an object";
        if (List.class.isAssignableFrom(type) || type.isArray()) return "an array";
        return "an object";
    }
}
