package ai.soul.edge.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.util.Map;

/** {@code {"error": {"code", "message", "status", "details"}}}, the one shape of every error. */
public record ErrorEnvelope(Body error) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String code, String message, int status, Map<String, Object> details) {
    }

    public static ErrorEnvelope of(ApiException e) {
        return new ErrorEnvelope(new Body(e.code(), e.getMessage(), e.status().value(), e.details()));
    }

    /**
     * The envelope as an answer, always {@code application/json}. The Content-Type is set up front so
     * that no content negotiation takes place: an error must be written whatever the Accept header
     * says (a negotiated error answer to {@code Accept: text/html} would be a 406 with no body).
     */
    public static ResponseEntity<ErrorEnvelope> response(ApiException e) {
        return response(e, new HttpHeaders());
    }

    public static ResponseEntity<ErrorEnvelope> response(ApiException e, HttpHeaders headers) {
        return ResponseEntity.status(e.status()).headers(headers).contentType(MediaType.APPLICATION_JSON).body(of(e));
    }
}
