package ai.soul.edge.web;

import ai.soul.schemas.Refusal;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * {@code {"error": {"code", "message", "status", "details"}}}, the one shape of every error, and the one
 * place that writes it: the code of each status, the headers, the bytes. Every path delegates here: the
 * controller advice ({@link ApiExceptionHandler}), the filters ({@link #write}), the container's error page
 * ({@link ErrorPage}) and Tomcat's own error reports ({@link JsonErrorReportValve}). A refusal of another
 * module (the domain's, through {@link Refusal}) is answered here as it states itself.
 */
public record ErrorEnvelope(Body error) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String code, String message, int status, Map<String, Object> details) {
    }

    /**
     * The envelope's names are its own (no naming strategy applies to them or to the details' keys), so a
     * plain mapper writes what the application's writes; it works before any application context exists.
     */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static ErrorEnvelope of(ApiException e) {
        return new ErrorEnvelope(new Body(e.code(), e.getMessage(), e.status().value(), e.details()));
    }

    /**
     * The code that goes with a status in the API's table. A status the table does not list (a 501 for
     * an unknown transfer coding, a 505, a 417) gets its reason phrase as the code.
     */
    public static String codeOf(HttpStatus status) {
        return switch (status) {
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
            default -> status.getReasonPhrase().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        };
    }

    /** A failure the API tells as it is ({@link ApiException}, or a {@link Refusal} of another module); null for anything else. */
    public static ApiException refusal(Throwable t) {
        if (t instanceof ApiException api) {
            return api;
        }
        if (t instanceof Refusal refusal) {
            HttpStatus status = HttpStatus.resolve(refusal.status());
            if (status != null && status.isError()) {
                return new ApiException(status, refusal.code(), refusal.getMessage(), refusal.details());
            }
        }
        return null;
    }

    /**
     * The envelope as a controller's answer, always {@code application/json}. The Content-Type is set up
     * front so that no content negotiation takes place: an error must be written whatever the Accept header
     * says (a negotiated error answer to {@code Accept: text/html} would be a 406 with no body).
     */
    public static ResponseEntity<ErrorEnvelope> response(ApiException e) {
        return ResponseEntity.status(e.status()).headers(e.headers()).contentType(MediaType.APPLICATION_JSON).body(of(e));
    }

    /** The envelope where no controller advice reaches: the servlet filters. Nothing once the answer is under way. */
    public static void write(HttpServletResponse response, ApiException e) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(e.status().value());
        e.headers().forEach((name, values) -> values.forEach(value -> response.setHeader(name, value)));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(bytes(e));
    }

    /** The envelope's bytes, UTF-8 JSON. */
    public static byte[] bytes(ApiException e) {
        return JSON.writeValueAsBytes(of(e));
    }
}
