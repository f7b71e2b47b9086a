package ai.soul.edge.web;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place where failures become the error envelope. Nothing framework-shaped leaks out, and
 * every answer is {@code application/json} whatever the Accept header says ({@link ErrorEnvelope#response}).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    public ResponseEntity<ErrorEnvelope> api(ApiException e) {
        return ErrorEnvelope.response(e);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<ErrorEnvelope> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api(api);
            }
            if (t instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
                // the JSON is well formed but a field has the wrong type
                return api(ApiException.validation(Map.of(fieldOf(mismatch), List.of(typeMessage(mismatch)))));
            }
            if (t instanceof JacksonException && !(t instanceof DatabindException)) {
                var at = ((JacksonException) t).getLocation();
                return api(ApiException.badRequest(at == null ? "Malformed JSON"
                        : "Malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()));
            }
        }
        return api(ApiException.badRequest("Request body is missing or is not valid JSON"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<ErrorEnvelope> unsupportedType(HttpMediaTypeNotSupportedException e) {
        if (e.getSupportedMediaTypes().contains(MediaType.MULTIPART_FORM_DATA)) {
            return api(new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Content-Type must be multipart/form-data", null));
        }
        return api(ApiException.unsupportedMediaType());
    }

    /** Mostly refused earlier by {@link AcceptFilter}; what is left (the actuator's own types) still gets the envelope. */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    public ResponseEntity<ErrorEnvelope> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return api(ApiException.notAcceptable());
    }

    /**
     * The container could not parse the query string or a form body: a '%' without two hex digits,
     * escapes that are not UTF-8, too many parameters. No endpoint takes a form, so a form body is
     * refused as the wrong media type whatever else is wrong with it.
     */
    @ExceptionHandler(InvalidParameterException.class)
    public ResponseEntity<ErrorEnvelope> unparsableParameters(InvalidParameterException e, HttpServletRequest request) {
        if (e.getErrorCode() == HttpStatus.CONTENT_TOO_LARGE.value()) {
            return api(new ApiException(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", "Request body is too large", null));
        }
        if (isForm(request)) {
            return api(ApiException.unsupportedMediaType());
        }
        return api(ApiException.badRequest("The query string is malformed: every '%' must start an escape of UTF-8 bytes (%XX)"));
    }

    /**
     * A multipart body that cannot be parsed (no boundary in the Content-Type, a broken body). Multipart
     * requests are resolved lazily (soul-edge.properties), so a JSON endpoint refuses one with 415
     * before it is ever parsed; this answers where something did try to read its parts.
     */
    @ExceptionHandler(MultipartException.class)
    public ResponseEntity<ErrorEnvelope> multipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return api(new ApiException(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", "Request body is too large", null));
        }
        return api(ApiException.badRequest("Malformed multipart body"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ResponseEntity<ErrorEnvelope> method(HttpRequestMethodNotSupportedException e) {
        var error = new ApiException(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                "Method " + e.getMethod() + " is not allowed here", null);
        HttpHeaders headers = new HttpHeaders();
        if (e.getSupportedHttpMethods() != null) {
            headers.setAllow(e.getSupportedHttpMethods());
        }
        return ErrorEnvelope.response(error, headers);
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    public ResponseEntity<ErrorEnvelope> noRoute(HttpServletRequest request) {
        return api(ApiException.notFound("No route " + request.getMethod() + " " + request.getRequestURI()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public ResponseEntity<ErrorEnvelope> parameterType(MethodArgumentTypeMismatchException e) {
        return api(new ApiException(HttpStatus.BAD_REQUEST, "bad_request", "Parameter " + e.getName() + " has the wrong type",
                Map.of("fields", Map.of(e.getName(), List.of("must be " + simpleType(e.getRequiredType()))))));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingRequestHeaderException.class})
    public ResponseEntity<ErrorEnvelope> missing(Exception e) {
        return api(ApiException.badRequest(e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ErrorEnvelope> unexpected(Exception e, HttpServletRequest request) {
        // the request line only: bodies and headers may carry personal data or keys
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return api(new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal error", null));
    }

    private static boolean isForm(HttpServletRequest request) {
        try {
            return request.getContentType() != null
                    && MediaType.APPLICATION_FORM_URLENCODED.includes(MediaType.parseMediaType(request.getContentType()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String fieldOf(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String typeMessage(MismatchedInputException e) {
        return "must be " + simpleType(e.getTargetType());
    }

    private static String simpleType(Class<?> type) {
        if (type == null) return "of another type";
        if (CharSequence.class.isAssignableFrom(type)) return "a string";
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "a boolean";
        if (Map.class.isAssignableFrom(type)) return "an object";
        if (List.class.isAssignableFrom(type) || type.isArray()) return "an array";
        return "an object";
    }
}
