package ai.soul.schemas.conversation;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fold of a conversation's own fields, by the rule of the update event. */
class ConversationFieldsTest {

    static final String CONVERSATION = "conv_01JD5X9B2C4D6E8F0G1H3J5K7M";
    static final String ACCOUNT = "usr_01JD5X7Q3M8N4P6R2T9V0W1Y3Z";

    @Test
    void anUpdateChangesTheFieldsItSetsAndMergesTheMetadataKeyByKey() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("thread", "t-1");
        metadata.put("labels", "work");
        metadata.put("priority", 2);
        ConversationFields created = ConversationFields.of(new ConversationCreated(CONVERSATION, ACCOUNT, "Planning", "Friday?", "email",
                metadata, "Be brief.", "gpt-4o-mini", "agent_1"));
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("labels", null);
        change.put("priority", 3);
        change.put("reviewed", true);

        ConversationFields updated = created.with(new ConversationUpdated(CONVERSATION, ACCOUNT, "Planning (moved)", null, change,
                null, "llama3.1:8b", null));

        assertThat(updated).isEqualTo(new ConversationFields("Planning (moved)", "Friday?",
                Map.of("thread", "t-1", "priority", 3, "reviewed", true), "Be brief.", "llama3.1:8b", "agent_1"));
        assertThat(updated.metadata().keySet()).containsExactly("thread", "priority", "reviewed");
        assertThat(created.with(new ConversationUpdated(CONVERSATION, ACCOUNT, null, null, null, null, null, null))).isEqualTo(created);
    }

    @Test
    void theMetadataIsACopyNobodyChanges() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("kept", null); // recorded before creation dropped null values: still readable
        ConversationFields fields = ConversationFields.of(new ConversationCreated(CONVERSATION, ACCOUNT, "t", null, "api", metadata,
                null, null, null));
        metadata.put("later", 1);

        assertThat(fields.metadata()).containsOnlyKeys("kept");
        assertThatThrownBy(() -> fields.metadata().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ConversationFields.of(new ConversationCreated(CONVERSATION, ACCOUNT, "t", null, "api", null, null, null, null))
                .metadata()).isEmpty();
    }
}
