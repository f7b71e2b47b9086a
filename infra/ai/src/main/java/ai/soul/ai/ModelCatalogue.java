package ai.soul.ai;

import ai.soul.domain.ai.AiPort;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * {@code GET /v1/models}: the language models the configured engine serves and the configured image
 * models, as entries of the catalogue's own (so the read side needs nothing of the domain).
 */
public final class ModelCatalogue {

    /** One model as the API lists it; {@code type} is llm or sd. */
    public record Entry(String id, String name, String type, String provider, int maxContext,
                        // snake case alone would write cost_per1k_tokens
                        @JsonProperty("cost_per_1k_tokens") double costPer1kTokens) {
    }

    private final List<Entry> llm;
    private final List<Entry> sd;

    public ModelCatalogue(AiPort ai, AiProperties.Images images) {
        this.llm = ai.models().stream()
                .map(m -> new Entry(m.id(), m.name(), m.type(), m.provider(), m.maxContext(), m.costPer1kTokens()))
                .toList();
        this.sd = images.models().stream()
                .map(m -> new Entry(m.id(), m.name() == null ? m.id() : m.name(), "sd", "images", m.maxContext(), m.costPer1kTokens()))
                .toList();
    }

    /** The models of a type, {@code llm} or {@code sd}. */
    public List<Entry> models(String type) {
        return switch (type) {
            case "llm" -> llm;
            case "sd" -> sd;
            default -> throw new IllegalArgumentException("type must be llm or sd");
        };
    }
}
