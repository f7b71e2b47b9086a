package ai.soul.edge.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import java.util.List;
import java.util.Map;

/**
 * An answer in the error envelope: status, machine-readable code, message, optional details and the
 * headers that go with it ({@code Retry-After}, {@code Allow}). {@link ErrorEnvelope} writes it.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final Map<String, Object> details;
    private final HttpHeaders headers;

    public ApiException(HttpStatus status, String code, String message, Map<String, Object> details) {
        this(status, code, message, details, HttpHeaders.EMPTY);
    }

    private ApiException(HttpStatus status, String code, String message, Map<String, Object> details, HttpHeaders headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
        this.headers = headers;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** The headers the answer carries besides its Content-Type. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The same error with one more header. */
    public ApiException withHeader(String name, String value) {
        HttpHeaders more = new HttpHeaders();
        more.putAll(headers);
        more.set(name, value);
        return new ApiException(status, code, getMessage(), details, HttpHeaders.readOnlyHttpHeaders(more));
    }

    /** The same error, answered with {@code Retry-After: seconds}. */
    public ApiException retryAfter(long seconds) {
        return withHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    }

    /** The same error with these details. */
    public ApiException withDetails(Map<String, Object> details) {
        return new ApiException(status, code, getMessage(), details, headers);
    }

    public static ApiException notFound(String message) {
        return ofStatus(HttpStatus.NOT_FOUND, message);
    }

    public static ApiException badRequest(String message) {
        return ofStatus(HttpStatus.BAD_REQUEST, message);
    }

    public static ApiException unauthorized(String message) {
        return ofStatus(HttpStatus.UNAUTHORIZED, message);
    }

    public static ApiException conflict(String message) {
        return ofStatus(HttpStatus.CONFLICT, message);
    }

    public static ApiException payloadTooLarge(long limit) {
        return ofStatus(HttpStatus.CONTENT_TOO_LARGE, "Request body is larger than " + limit + " bytes")
                .withDetails(Map.of("limit_bytes", limit));
    }

    public static ApiException unsupportedMediaType() {
        return ofStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
    }

    public static ApiException notAcceptable() {
        return ofStatus(HttpStatus.NOT_ACCEPTABLE, "This resource is only available as application/json");
    }

    public static ApiException validation(Map<String, List<String>> fields) {
        return ofStatus(HttpStatus.UNPROCESSABLE_CONTENT, "Validation failed").withDetails(Map.of("fields", fields));
    }

    /** An error known by its status: the code that goes with that status in the API's table ({@link ErrorEnvelope#codeOf}). */
    public static ApiException ofStatus(HttpStatus status, String message) {
        return new ApiException(status, ErrorEnvelope.codeOf(status), message, null);
    }
}
