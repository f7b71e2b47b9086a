package ai.soul.ai.openai;

import ai.soul.ai.AiProperties;
import ai.soul.domain.ai.AiPort;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.TokenUsage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Any server speaking OpenAI's chat-completions protocol (OpenAI, Ollama, vLLM, llama.cpp server),
 * through LangChain4j. LangChain4j retries what is worth retrying (timeouts, 429, 5xx) up to
 * {@code max-retries} times; what still fails becomes {@link AiUnavailable}, a model the provider does
 * not know or a request it refuses becomes an {@link IllegalArgumentException}.
 */
public final class OpenAiEngine implements AiPort {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SENTIMENTS = Set.of("positive", "neutral", "negative");
    static final String SUMMARY_INSTRUCTIONS = """
            You summarize conversations. Answer with one JSON object and nothing else, with these fields:
            "title" (at most 200 characters), "content" (the summary), "sentiment" ("positive", "neutral" or
            "negative"), "sentiment_score" (a number from -1 to 1), "topics" (at most 5 short keywords) and
            "action_items" (short imperative phrases such as "Send the pricing sheet"; an empty list if there are none).""";

    private final ChatModel chat;
    private final StreamingChatModel streaming;
    private final List<Model> models;
    private final String defaultModel;
    private final int maxRetries;
    private final Duration timeout;

    public OpenAiEngine(AiProperties.OpenAi properties) {
        if (properties.baseUrl() == null || properties.baseUrl().isBlank()) {
            throw new IllegalStateException("soul.ai.openai.base-url (AI_PROVIDER_URL) is required with soul.ai.provider=openai");
        }
        // local servers (Ollama, llama.cpp) need no key, but the client wants one
        String key = properties.apiKey() == null || properties.apiKey().isBlank() ? "none" : properties.apiKey();
        this.defaultModel = properties.defaultModel();
        this.maxRetries = properties.maxRetries();
        this.timeout = properties.timeout();
        this.chat = OpenAiChatModel.builder().baseUrl(properties.baseUrl()).apiKey(key).modelName(defaultModel)
                .timeout(timeout).maxRetries(maxRetries).returnThinking(true).build();
        this.streaming = OpenAiStreamingChatModel.builder().baseUrl(properties.baseUrl()).apiKey(key).modelName(defaultModel)
                .timeout(timeout).returnThinking(true).build();
        List<AiProperties.ModelEntry> entries = properties.models().isEmpty()
                ? List.of(new AiProperties.ModelEntry(defaultModel, defaultModel, 8192, 0))
                : properties.models();
        this.models = entries.stream()
                .map(m -> new Model(m.id(), m.name() == null ? m.id() : m.name(), "llm", m.maxContext(), m.costPer1kTokens(), "openai"))
                .toList();
    }

    @Override
    public List<Model> models() {
        return models;
    }

    @Override
    public Reply reply(ReplyRequest request) {
        String model = model(request.model());
        ChatResponse response = call(() -> chat.chat(replyRequest(request, model)));
        return reply(response, model, request.verbose());
    }

    /** Streams the provider's deltas as they come; tried again (up to max-retries) only while nothing has been handed over. */
    @Override
    public Reply replyStreaming(ReplyRequest request, Consumer<String> tokens) {
        String model = model(request.model());
        ChatRequest chatRequest = replyRequest(request, model);
        for (int attempt = 0; ; attempt++) {
            AtomicBoolean started = new AtomicBoolean();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            streaming.chat(chatRequest, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                    started.set(true);
                    tokens.accept(partial);
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            try {
                ChatResponse response = call(() -> await(done));
                return reply(response, model, request.verbose());
            } catch (AiUnavailable e) {
                if (started.get() || attempt >= maxRetries || !(e.getCause() instanceof RetriableException)) throw e;
            }
        }
    }

    @Override
    public Summary summarize(SummaryRequest request) {
        String model = model(request.model());
        String transcript = request.turns().stream().map(t -> t.role() + ": " + t.content()).collect(Collectors.joining("\n"));
        String ask = "Summarize this conversation in the language " + (request.language() == null ? "en" : request.language())
                + ", style " + (request.style() == null ? "concise" : request.style())
                + " (concise: two or three sentences; detailed: a full paragraph; bullet: lines starting with \"- \").\n\n"
                + (request.title() == null ? "" : "Title: " + request.title() + "\n")
                + (request.context() == null ? "" : "Context:\n" + request.context() + "\n")
                + "Messages:\n" + transcript;
        ChatRequest chatRequest = ChatRequest.builder().modelName(model)
                .messages(SystemMessage.from(SUMMARY_INSTRUCTIONS), UserMessage.from(ask)).build();
        ChatResponse response = call(() -> chat.chat(chatRequest));
        JsonNode json = parse(response.aiMessage().text());
        double score = Math.max(-1, Math.min(1, json.path("sentiment_score").asDouble(0)));
        String sentiment = json.path("sentiment").asText("");
        if (!SENTIMENTS.contains(sentiment)) sentiment = score > 0.3 ? "positive" : score < -0.3 ? "negative" : "neutral";
        String title = json.path("title").asText("");
        if (title.length() > 200) title = title.substring(0, 199) + "…";
        TokenUsage usage = response.tokenUsage();
        return new Summary(title, json.path("content").asText(""), sentiment, score, strings(json.path("topics"), 5),
                strings(json.path("action_items"), 20), model, input(usage), output(usage));
    }

    private String model(String requested) {
        if (requested == null) return defaultModel;
        if (models.stream().noneMatch(m -> m.id().equals(requested))) {
            throw new IllegalArgumentException("Unknown model " + requested);
        }
        return requested;
    }

    /** The system prompt first, then what the conversation says about itself, then its turns. */
    private static ChatRequest replyRequest(ReplyRequest request, String model) {
        List<ChatMessage> messages = new ArrayList<>();
        if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) messages.add(SystemMessage.from(request.systemPrompt()));
        String about = (request.title() == null ? "" : "Conversation title: " + request.title() + "\n")
                + (request.context() == null ? "" : "Conversation context:\n" + request.context());
        if (!about.isBlank()) messages.add(SystemMessage.from(about.strip()));
        for (Turn turn : request.turns()) {
            messages.add(switch (turn.role()) {
                case "agent", "assistant" -> AiMessage.from(turn.content());
                case "system" -> SystemMessage.from(turn.content());
                default -> UserMessage.from(turn.content());
            });
        }
        return ChatRequest.builder().modelName(model).messages(messages).build();
    }

    private static Reply reply(ChatResponse response, String model, boolean verbose) {
        AiMessage message = response.aiMessage();
        String reasoning = verbose ? message.thinking() : null;
        TokenUsage usage = response.tokenUsage();
        return new Reply(message.text() == null ? "" : message.text(), reasoning, model, input(usage), output(usage));
    }

    private ChatResponse await(CompletableFuture<ChatResponse> done) {
        try {
            // the HTTP client's own timeout ends a stalled stream; this only bounds a provider that trickles forever
            return done.get(timeout.toMillis() * 10, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new AiUnavailable("Streaming failed", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AiUnavailable("The provider did not finish its answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AiUnavailable("Interrupted", e);
        }
    }

    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (ModelNotFoundException | InvalidRequestException e) {
            throw new IllegalArgumentException("The provider refused the request: " + e.getMessage(), e);
        } catch (AiUnavailable | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AiUnavailable("The AI provider failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The JSON object of the answer, with or without a ```json fence around it. */
    static JsonNode parse(String text) {
        int start = text == null ? -1 : text.indexOf('{');
        int end = text == null ? -1 : text.lastIndexOf('}');
        try {
            if (start < 0 || end < start) throw new IllegalStateException("no JSON object");
            JsonNode json = JSON.readTree(text.substring(start, end + 1));
            if (!json.isObject() || !json.path("content").isTextual()) throw new IllegalStateException("no content field");
            return json;
        } catch (Exception e) {
            // a model may well answer properly the next time
            throw new AiUnavailable("The model's answer was not the summary JSON asked for", e);
        }
    }

    private static List<String> strings(JsonNode array, int max) {
        List<String> values = new ArrayList<>();
        for (JsonNode node : array) {
            if (node.isTextual() && !node.asText().isBlank() && values.size() < max) values.add(node.asText().strip());
        }
        return values;
    }

    private static int input(TokenUsage usage) {
        return usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
    }

    private static int output(TokenUsage usage) {
        return usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
    }
}
