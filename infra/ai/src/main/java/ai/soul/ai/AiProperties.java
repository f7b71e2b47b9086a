package ai.soul.ai;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * {@code soul.ai.*}: which engine answers ({@code local}, the default, or {@code openai}), the
 * OpenAI-compatible provider's address, key and models, and the image (sd) models of the catalogue.
 */
@ConfigurationProperties("soul.ai")
public record AiProperties(@DefaultValue("local") String provider, @DefaultValue Local local, @DefaultValue OpenAi openai,
                           @DefaultValue Images images) {

    /** The local engine ranks at most {@code maxSentences} sentences (the latest): its work grows with their square. */
    public record Local(@DefaultValue("300") int maxSentences) {
    }

    /** A model as configured; {@code id} is what clients send as {@code llm_id}. */
    public record ModelEntry(String id, String name, @DefaultValue("8192") int maxContext,
                             @DefaultValue("0") double costPer1kTokens) {
    }

    /**
     * Any server speaking OpenAI's chat-completions protocol (OpenAI, Ollama, vLLM, llama.cpp). With no
     * {@code models} listed, the catalogue lists the default model alone.
     */
    public record OpenAi(String baseUrl, String apiKey, @DefaultValue List<ModelEntry> models, String defaultModel,
                         @DefaultValue("60s") Duration timeout, @DefaultValue("2") int maxRetries) {

        /** Never the key: these properties may end up in a log line. */
        @Override
        public String toString() {
            return "OpenAi[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "(none)" : "(set)")
                    + ", models=" + models + ", defaultModel=" + defaultModel + ", timeout=" + timeout
                    + ", maxRetries=" + maxRetries + "]";
        }
    }

    /** Stable-diffusion models; none by default, as there is no image provider yet. */
    public record Images(@DefaultValue List<ModelEntry> models) {
    }
}
