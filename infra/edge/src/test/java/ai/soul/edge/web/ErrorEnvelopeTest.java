package ai.soul.edge.web;

import ai.soul.schemas.Refusal;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The envelope is written in one place: every path gives the same bytes, headers and codes. */
class ErrorEnvelopeTest {

    /** A refusal another module defines (as the domain's do), unknown to the edge. */
    static final class QuotaFull extends RuntimeException implements Refusal {
        QuotaFull() {
            super("The quota is full");
        }

        @Override
        public int status() {
            return 413;
        }

        @Override
        public String code() {
            return "storage_quota_exceeded";
        }

        @Override
        public Map<String, Object> details() {
            return Map.of("limit_bytes", 100);
        }
    }

    @Test
    void aRefusalOfAnotherModuleIsAnsweredAsItStatesItself() {
        ApiException answer = ErrorEnvelope.refusal(new QuotaFull());
        assertThat(answer.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(answer.code()).isEqualTo("storage_quota_exceeded");
        assertThat(answer.getMessage()).isEqualTo("The quota is full");
        assertThat(answer.details()).isEqualTo(Map.of("limit_bytes", 100));
        assertThat(ErrorEnvelope.refusal(new IllegalStateException("a bug"))).isNull();
    }

    @Test
    void aFilterWritesTheBytesAndHeadersTheAdviceAnswersWith() throws Exception {
        ApiException error = ApiException.ofStatus(HttpStatus.TOO_MANY_REQUESTS, "Slow down")
                .withDetails(Map.of("rateLimit", Map.of("limit", 5))).retryAfter(7);
        MockHttpServletResponse written = new MockHttpServletResponse();
        ErrorEnvelope.write(written, error);
        var answered = ErrorEnvelope.response(error);

        assertThat(written.getStatus()).isEqualTo(answered.getStatusCode().value()).isEqualTo(429);
        assertThat(written.getHeader("Retry-After")).isEqualTo(answered.getHeaders().getFirst("Retry-After")).isEqualTo("7");
        assertThat(written.getContentType()).isEqualTo(answered.getHeaders().getContentType().toString()).isEqualTo("application/json");
        JsonMapper json = JsonMapper.builder().build();
        JsonNode body = json.readTree(written.getContentAsByteArray());
        assertThat(body).isEqualTo(json.valueToTree(answered.getBody()));
        assertThat(body.get("error").propertyNames()).containsExactly("code", "message", "status", "details");
        assertThat(body.at("/error/code").asString()).isEqualTo("rate_limited");
        assertThat(body.at("/error/details/rateLimit/limit").asInt()).isEqualTo(5);
    }

    @Test
    void theApiTableGivesEachStatusItsCode() {
        assertThat(ApiException.validation(Map.of("title", List.of("is required"))).code()).isEqualTo("validation_error");
        assertThat(ApiException.payloadTooLarge(10).code()).isEqualTo("payload_too_large");
        assertThat(ApiException.notAcceptable().code()).isEqualTo("not_acceptable");
        assertThat(ErrorEnvelope.codeOf(HttpStatus.SERVICE_UNAVAILABLE)).isEqualTo("service_unavailable");
        assertThat(ErrorEnvelope.codeOf(HttpStatus.HTTP_VERSION_NOT_SUPPORTED)).isEqualTo("http_version_not_supported");
    }
}
