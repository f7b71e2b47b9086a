package ai.soul.edge.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "*/*", "application/*", "application/json", "application/json; charset=utf-8",
            "application/json;q=0.5, text/html", "text/html;q=0.9, */*;q=0.1", "text/html, application/*;q=0.2",
            "application/json, application/*;q=0", "*/*;q=0, application/json"})
    void admitsJson(String accept) {
        assertThat(AcceptFilter.admitsJson(MediaType.parseMediaTypes(accept))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/xml", "text/html, image/*", "text/event-stream", "application/*+json",
            "application/vnd.api+json", "application/json;q=0", "text/html, application/json;q=0", "*/*;q=0",
            "*/*, application/*;q=0", "application/*;q=0.5, application/json;q=0"})
    void refusesWhatRulesJsonOut(String accept) {
        assertThat(AcceptFilter.admitsJson(MediaType.parseMediaTypes(accept))).isFalse();
    }
}
