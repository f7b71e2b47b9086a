package ai.soul.platform.web;

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

    public static ApiException validation(Map<String, List<String>> fields) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "validation_error", "Validation failed",
                Map.of("fields", fields));
    }
}
