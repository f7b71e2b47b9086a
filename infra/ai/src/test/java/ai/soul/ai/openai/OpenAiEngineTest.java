package ai.soul.ai.openai;

import ai.soul.ai.AiProperties;
import ai.soul.domain.ai.AiPort;
import ai.soul.domain.ai.AiPort.Reply;
import ai.soul.domain.ai.AiPort.ReplyRequest;
import ai.soul.domain.ai.AiPort.Summary;
import ai.soul.domain.ai.AiPort.SummaryRequest;
import ai.soul.domain.ai.AiPort.Turn;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter against a local server speaking OpenAI's chat-completions protocol, with answers
 * recorded from that protocol: plain JSON, server-sent events, errors and a stall.
 */
class OpenAiEngineTest {

    static final ObjectMapper JSON = new ObjectMapper();

    record Recorded(String authorization, JsonNode body) {
    }

    /** What the server answers, in order; the last one is repeated. */
    record Answer(int status, String contentType, String body, boolean stall) {
        static Answer json(String body) {
            return new Answer(200, "application/json", body, false);
        }
    }

    HttpServer server;
    final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    final List<Recorded> requests = new ArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        synchronized (requests) {
            requests.add(new Recorded(exchange.getRequestHeaders().getFirst("Authorization"), body));
        }
        Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
        if (answer.stall()) {
            try {
                release.await(10, TimeUnit.SECONDS); // until the test is over: the client must give up first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    OpenAiEngine engine(Duration timeout, int retries) {
        return new OpenAiEngine(new AiProperties.OpenAi("http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "sk-test-123", List.of(new AiProperties.ModelEntry("gpt-4o-mini", "GPT-4o mini", 128000, 0.15),
                new AiProperties.ModelEntry("qwen3", "Qwen 3 on vLLM", 32768, 0)), "gpt-4o-mini", timeout, retries));
    }

    static String completion(String content, String reasoning) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":42,"completion_tokens":7,"total_tokens":49}}"""
                .formatted(quote(content), reasoning == null ? "" : ",\"reasoning_content\":" + quote(reasoning));
    }

    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final ReplyRequest REQUEST = new ReplyRequest(null, "You are a helpful assistant.", "Pricing call",
            "A call about the Growth plan.", List.of(new Turn("user", "What does Growth cost?"),
            new Turn("agent", "29 dollars per agent per month."), new Turn("user", "And with annual billing?")), true);

    @Test
    void aReplySendsTheConversationAsMessagesAndReadsTheAnswer() {
        answers.add(Answer.json(completion("About 23 dollars per agent per month.", "20 percent off 29 is 23.2")));

        Reply reply = engine(Duration.ofSeconds(5), 0).reply(REQUEST);

        assertThat(reply.content()).isEqualTo("About 23 dollars per agent per month.");
        assertThat(reply.reasoning()).isEqualTo("20 percent off 29 is 23.2");
        assertThat(reply.promptTokens()).isEqualTo(42);
        assertThat(reply.completionTokens()).isEqualTo(7);
        assertThat(reply.model()).isEqualTo("gpt-4o-mini");
        Recorded sent = requests.get(0);
        assertThat(sent.authorization()).isEqualTo("Bearer sk-test-123");
        assertThat(sent.body().path("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode messages = sent.body().path("messages");
        assertThat(messages).extracting(m -> m.path("role").asText())
                .containsExactly("system", "system", "user", "assistant", "user");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("You are a helpful assistant.");
        assertThat(messages.get(1).path("content").asText()).contains("Pricing call").contains("Growth plan");
        assertThat(messages.get(4).path("content").asText()).isEqualTo("And with annual billing?");
    }

    @Test
    void withoutVerboseThereIsNoReasoningAndAnotherConfiguredModelIsAsked() {
        answers.add(Answer.json(completion("Yes.", "thinking")));
        var request = new ReplyRequest("qwen3", null, null, null, List.of(new Turn("user", "Ready?")), false);

        Reply reply = engine(Duration.ofSeconds(5), 0).reply(request);

        assertThat(reply.reasoning()).isNull();
        assertThat(requests.get(0).body().path("model").asText()).isEqualTo("qwen3");
        assertThat(requests.get(0).body().path("messages")).hasSize(1);
    }

    @Test
    void aServerErrorIsTriedAgain() {
        answers.add(new Answer(500, "application/json", "{\"error\":{\"message\":\"overloaded\"}}", false));
        answers.add(Answer.json(completion("Recovered.", null)));

        Reply reply = engine(Duration.ofSeconds(5), 2).reply(REQUEST);

        assertThat(reply.content()).isEqualTo("Recovered.");
        assertThat(requests).hasSize(2);
    }

    @Test
    void persistentServerErrorsMakeTheProviderUnavailable() {
        answers.add(new Answer(503, "application/json", "{\"error\":{\"message\":\"down\"}}", false));

        assertThatThrownBy(() -> engine(Duration.ofSeconds(5), 1).reply(REQUEST)).isInstanceOf(AiPort.AiUnavailable.class);
        assertThat(requests).hasSize(2);
    }

    @Test
    void aStalledServerTimesOutAsUnavailable() {
        answers.add(new Answer(200, "application/json", completion("late", null), true));

        assertThatThrownBy(() -> engine(Duration.ofMillis(300), 0).reply(REQUEST)).isInstanceOf(AiPort.AiUnavailable.class);
    }

    @Test
    void anUnknownModelIsRefusedBeforeAnyCall() {
        var request = new ReplyRequest("gpt-17", null, null, null, List.of(new Turn("user", "Hi")), false);
        assertThatThrownBy(() -> engine(Duration.ofSeconds(5), 0).reply(request)).isInstanceOf(IllegalArgumentException.class);
        assertThat(requests).isEmpty();
    }

    @Test
    void aModelTheProviderDoesNotKnowIsAnIllegalArgument() {
        answers.add(new Answer(404, "application/json", "{\"error\":{\"message\":\"model not found\"}}", false));
        assertThatThrownBy(() -> engine(Duration.ofSeconds(5), 2).reply(REQUEST)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamingHandsOverTheDeltas() {
        String sse = """
                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"About "}}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"23 dollars."}}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":4,"total_tokens":44}}

                data: [DONE]

                """;
        answers.add(new Answer(200, "text/event-stream", sse, false));
        List<String> pieces = new ArrayList<>();

        Reply reply = engine(Duration.ofSeconds(5), 0).replyStreaming(REQUEST, pieces::add);

        assertThat(pieces).containsExactly("About ", "23 dollars.");
        assertThat(reply.content()).isEqualTo("About 23 dollars.");
        assertThat(reply.promptTokens()).isEqualTo(40);
        assertThat(reply.completionTokens()).isEqualTo(4);
        assertThat(requests.get(0).body().path("stream").asBoolean()).isTrue();
    }

    @Test
    void aSummaryIsParsedFromTheJsonAskedFor() {
        String json = """
                ```json
                {"title": "Growth plan pricing", "content": "The customer asked about the Growth plan and annual billing.",
                 "sentiment": "positive", "sentiment_score": 0.6, "topics": ["pricing", "billing"],
                 "action_items": ["Send the pricing sheet", "Schedule a demo"]}
                ```""";
        answers.add(Answer.json(completion(json, null)));

        Summary summary = engine(Duration.ofSeconds(5), 0).summarize(
                new SummaryRequest(null, "Pricing call", null, REQUEST.turns(), "en", "bullet"));

        assertThat(summary.title()).isEqualTo("Growth plan pricing");
        assertThat(summary.content()).startsWith("The customer asked");
        assertThat(summary.sentiment()).isEqualTo("positive");
        assertThat(summary.sentimentScore()).isEqualTo(0.6);
        assertThat(summary.topics()).containsExactly("pricing", "billing");
        assertThat(summary.actionItems()).containsExactly("Send the pricing sheet", "Schedule a demo");
        assertThat(summary.promptTokens()).isEqualTo(42);
        JsonNode messages = requests.get(0).body().path("messages");
        assertThat(messages.get(0).path("content").asText()).contains("JSON").contains("action_items");
        assertThat(messages.get(1).path("content").asText()).contains("bullet").contains("What does Growth cost?");
    }

    @Test
    void anAnswerThatIsNotTheJsonIsUnavailable() {
        answers.add(Answer.json(completion("Sorry, I cannot do that.", null)));
        assertThatThrownBy(() -> engine(Duration.ofSeconds(5), 0).summarize(
                new SummaryRequest(null, null, null, REQUEST.turns(), "en", "concise"))).isInstanceOf(AiPort.AiUnavailable.class);
    }

    @Test
    void theKeyIsNeverInTheProperties() {
        assertThat(new AiProperties.OpenAi("http://x", "sk-secret", List.of(), "m", Duration.ofSeconds(1), 0).toString())
                .doesNotContain("sk-secret");
    }
}
