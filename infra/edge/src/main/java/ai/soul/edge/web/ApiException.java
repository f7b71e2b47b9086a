package ai.soul.edge.web;

import org.springframework.http.HttpStatus;

import java.util.List;
import java.util.Map;

/** An answer in the error envelope: status, machine-readable code, message, optional details. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final Map<String, Object> details;

    public ApiException(HttpStatus status, String code, String message, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
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

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", message, null);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "bad_request", message, null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", message, null);
    }

    public static ApiException conflict(String message) {
        return new ApiException(HttpStatus.CONFLICT, "conflict", message, null);
    }

    public static ApiException payloadTooLarge(long limit) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large",
                "Request body is larger than " + limit + " bytes", Map.of("limit_bytes", limit));
    }

    public static ApiException unsupportedMediaType() {
        return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "Content-Type must be application/json", null);
    }

    public static ApiException notAcceptable() {
        return new ApiException(HttpStatus.NOT_ACCEPTABLE, "not_acceptable",
                "This resource is only available as application/json", null);
    }

    public static ApiException validation(Map<String, List<String>> fields) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "validation_error", "Validation failed",
                Map.of("fields", fields));
    }

    /**
     * An error known only by its status, as the servlet container reports it: the code that goes with
     * that status in the API's table, and the given message. A status the table does not list (a 501
     * for an unknown transfer coding, a 505, a 417) gets its reason phrase as the code.
     */
    public static ApiException ofStatus(HttpStatus status, String message) {
        String code = switch (status) {
            case BAD_REQUEST -> "bad_request";
            case UNAUTHORIZED -> "unauthorized";
            case PAYMENT_REQUIRED -> "payment_required";
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case NOT_ACCEPTABLE -> "not_acceptable";
            case CONFLICT -> "conflict";
            case CONTENT_TOO_LARGE -> "payload_too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case UNPROCESSABLE_CONTENT -> "validation_error";
            case TOO_MANY_REQUESTS -> "rate_limited";
            case SERVICE_UNAVAILABLE -> "service_unavailable";
            case INTERNAL_SERVER_ERROR -> "internal_error";
            default -> status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        };
        return new ApiException(status, code, message, null);
    }
}
