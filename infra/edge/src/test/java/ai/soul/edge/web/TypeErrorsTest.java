package ai.soul.edge.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every wrong type of a body at once, and the rest of the body bound, for the handler's own checks. */
class TypeErrorsTest {

    record Message(String role, String content) {
    }

    record Create(String title, String content, Integer page, Boolean verbose, List<Message> messages, Map<String, Object> metadata) {
    }

    private final TypeErrors.Reader reader = new TypeErrors.Reader(appMapper());

    /** As the application's: "title": 5 is a wrong type, not the string "5". */
    private static JsonMapper appMapper() {
        JsonMapper.Builder builder = JsonMapper.builder();
        new WebConfiguration().strictScalars().customize(builder);
        return builder.build();
    }
    private final MockHttpServletRequest request = new MockHttpServletRequest();

    @BeforeEach
    void bindRequest() {
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    }

    @AfterEach
    void unbind() {
        RequestContextHolder.resetRequestAttributes();
    }

    private Object read(String json) throws Exception {
        var input = new MockHttpInputMessage(json.getBytes(StandardCharsets.UTF_8));
        input.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return reader.read(ResolvableType.forClass(Create.class), input, null);
    }

    @Test
    void everyWrongTypeIsNamedAndTheRestIsBound() throws Exception {
        Object bound = read("{\"title\": \"\", \"content\": 7, \"page\": \"two\", \"verbose\": {}, "
                + "\"messages\": [{\"content\": \"ok\"}, {\"role\": 1, \"content\": \"fine\"}], \"metadata\": {\"a\": 1}}");

        assertThat(bound).isEqualTo(new Create("", null, null, null,
                List.of(new Message(null, "ok"), new Message(null, "fine")), Map.of("a", 1)));
        assertThat(TypeErrors.pending()).containsExactly(
                Map.entry("content", List.of("must be a string")),
                Map.entry("page", List.of("must be a number")),
                Map.entry("verbose", List.of("must be a boolean")),
                Map.entry("messages[1].role", List.of("must be a string")));
    }

    @Test
    void aRightBodyLeavesNothingPending() throws Exception {
        assertThat(read("{\"title\": \"t\", \"page\": 2}")).isEqualTo(new Create("t", null, 2, null, null, null));
        assertThat(TypeErrors.pending()).isNull();
    }

    @Test
    void aBodyOfTheWrongShapeOrMalformedIsRefusedAsBefore() {
        assertThatThrownBy(() -> read("[1, 2]")).isInstanceOf(HttpMessageNotReadableException.class);
        assertThatThrownBy(() -> read("{\"title\": ")).isInstanceOf(HttpMessageNotReadableException.class);
        assertThat(TypeErrors.pending()).isNull();
    }

    @Test
    void theHandlersRefusalIsAnsweredWithTheTypeErrorsWhichWinForTheirField() {
        ApiException answer = TypeErrors.answer(Map.of("content", List.of("must be a string")),
                ApiException.validation(Map.of("title", List.of("Title is required"), "content", List.of("Content is required"))));
        assertThat(answer.details().get("fields")).isEqualTo(Map.of("content", List.of("must be a string"),
                "title", List.of("Title is required")));
        assertThat(TypeErrors.answer(Map.of("page", List.of("must be a number")), ApiException.notFound("gone")).details())
                .isEqualTo(Map.of("fields", Map.of("page", List.of("must be a number"))));
    }
}
