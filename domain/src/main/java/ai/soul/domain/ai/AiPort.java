package ai.soul.domain.ai;

import java.util.List;
import java.util.function.Consumer;

/**
 * Everything the product asks of a language model. Adapters: the built-in local engine (the
 * default, deterministic) and an OpenAI-compatible HTTP client. An adapter that cannot do the work
 * throws {@link AiUnavailable} (worth retrying) or {@link IllegalArgumentException} (never will be,
 * for example an unknown model).
 */
public interface AiPort {

    /** The models this adapter serves, as the catalogue lists them. */
    List<Model> models();

    /** The agent's next message in a conversation whose last turn is the user's. */
    Reply reply(ReplyRequest request);

    /** As {@link #reply}, handing over the text as it is produced; the result holds all of it. */
    default Reply replyStreaming(ReplyRequest request, Consumer<String> tokens) {
        Reply reply = reply(request);
        tokens.accept(reply.content());
        return reply;
    }

    Summary summarize(SummaryRequest request);

    /** A model of the catalogue; {@code type} is {@code llm} or {@code sd}. */
    record Model(String id, String name, String type, int maxContext, double costPer1kTokens, String provider) {
    }

    /** One turn of a conversation; {@code role} is user, agent or system. */
    record Turn(String role, String content) {
    }

    /**
     * {@code model} is null for the adapter's default. {@code context} is what the conversation
     * says about itself (title and content), {@code turns} its messages in order, the last one
     * being the user message to answer.
     */
    record ReplyRequest(String model, String systemPrompt, String title, String context, List<Turn> turns, boolean verbose) {
    }

    /** {@code reasoning} is null unless verbose was asked for and the model gives one. */
    record Reply(String content, String reasoning, String model, int promptTokens, int completionTokens) {
    }

    /** {@code style} is concise, detailed or bullet; {@code language} a BCP 47 tag such as {@code en}. */
    record SummaryRequest(String model, String title, String context, List<Turn> turns, String language, String style) {
    }

    /** {@code sentiment} is positive, neutral or negative; {@code sentimentScore} runs from -1 to 1. */
    record Summary(String title, String content, String sentiment, double sentimentScore, List<String> topics,
                   List<String> actionItems, String model, int promptTokens, int completionTokens) {
    }

    /** The provider could not be reached or failed; trying again later may work. */
    class AiUnavailable extends RuntimeException {
        public AiUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
