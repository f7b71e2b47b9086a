package ai.soul.schemas.conversation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a conversation says about itself as its creation and its updates leave it, by the rule of
 * {@link ConversationUpdated}: a null field did not change, and the metadata is merged key by key (a
 * null value removes the key). Folded here once for every consumer that keeps these fields from the
 * events in memory: the aggregate, and the transcript a reply or a summary is written from.
 */
public record ConversationFields(String title, String content, Map<String, Object> metadata, String systemPrompt, String llmId,
                                 String agentId) {

    /** Not Map.copyOf: a null value recorded before creation dropped them must not fail every read. */
    public ConversationFields {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
    }

    public static ConversationFields of(ConversationCreated e) {
        return new ConversationFields(e.title(), e.content(), e.metadata(), e.systemPrompt(), e.llmId(), e.agentId());
    }

    public ConversationFields with(ConversationUpdated e) {
        return new ConversationFields(e.title() == null ? title : e.title(), e.content() == null ? content : e.content(),
                e.metadata() == null ? metadata : merged(metadata, e.metadata()), e.systemPrompt() == null ? systemPrompt : e.systemPrompt(),
                e.llmId() == null ? llmId : e.llmId(), e.agentId() == null ? agentId : e.agentId());
    }

    /** The metadata after a change: each key of the change set, a null value removing its key. */
    public static Map<String, Object> merged(Map<String, Object> current, Map<String, Object> change) {
        LinkedHashMap<String, Object> result = new LinkedHashMap<>(current);
        change.forEach((key, value) -> {
            if (value == null) result.remove(key);
            else result.put(key, value);
        });
        return result;
    }
}
