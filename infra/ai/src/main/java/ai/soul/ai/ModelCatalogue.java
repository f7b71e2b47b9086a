package ai.soul.ai;

import ai.soul.domain.ai.AiPort;
import ai.soul.domain.ai.AiPort.Model;

import java.util.List;

/** {@code GET /v1/models}: the language models the configured engine serves and the configured image models. */
public final class ModelCatalogue {

    private final List<Model> llm;
    private final List<Model> sd;

    public ModelCatalogue(AiPort ai, AiProperties.Images images) {
        this.llm = List.copyOf(ai.models());
        this.sd = images.models().stream()
                .map(m -> new Model(m.id(), m.name() == null ? m.id() : m.name(), "sd", m.maxContext(), m.costPer1kTokens(), "images"))
                .toList();
    }

    /** The models of a type, {@code llm} or {@code sd}. */
    public List<Model> models(String type) {
        return switch (type) {
            case "llm" -> llm;
            case "sd" -> sd;
            default -> throw new IllegalArgumentException("type must be llm or sd");
        };
    }
}
