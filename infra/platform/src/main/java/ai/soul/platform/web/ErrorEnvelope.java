package ai.soul.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** {@code {"error": {"code", "message", "status", "details"}}}, the one shape of every error. */
public record ErrorEnvelope(Body error) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String code, String message, int status, Map<String, Object> details) {
    }

    public static ErrorEnvelope of(ApiException e) {
        return new ErrorEnvelope(new Body(e.code(), e.getMessage(), e.status().value(), e.details()));
    }
}
