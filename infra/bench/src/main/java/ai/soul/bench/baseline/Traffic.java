package ai.soul.bench.baseline;

import ai.soul.bench.history.Synthetic;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.MessagePosted;

import java.time.Instant;
import java.util.Map;

/**
 * The writes of the baselines, shaped like the system's traffic: conversations of 10 events (a
 * {@code ConversationCreated}, then 9 {@code MessagePosted}), 200 of them open at a time, so that
 * consecutive events mostly belong to different aggregates. Message texts come from a pool, so
 * that generating them costs next to nothing next to the work measured; a MessagePosted event
 * serialises to about 300 bytes.
 */
final class Traffic {

    record Event(String eventId, String aggregateId, long sequence, Instant at, Object payload, Map<String, String> metadata) {
    }

    static final String AGGREGATE_TYPE = "Conversation";
    private static final int OPEN = 200;
    private static final int EVENTS_PER_CONVERSATION = 10;
    private static final int ACCOUNTS = 100;
    private static final int TEXTS = 512;

    private final Synthetic synthetic;
    private final String[] accounts = new String[ACCOUNTS];
    private final String[] texts = new String[TEXTS];
    private final String[] conversation = new String[OPEN];
    private final String[] owner = new String[OPEN];
    private final int[] next = new int[OPEN];
    private final ConversationCreated[] templates = new ConversationCreated[64];

    Traffic(Synthetic synthetic) {
        this.synthetic = synthetic;
        long now = System.currentTimeMillis();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = synthetic.id("usr", now - 86_400_000L);
        }
        for (int i = 0; i < TEXTS; i++) {
            texts[i] = synthetic.text(60 + synthetic.random().nextInt(130));
        }
        for (int i = 0; i < templates.length; i++) {
            templates[i] = synthetic.conversationCreated("conv_", "usr_");
        }
    }

    String text() {
        return texts[synthetic.random().nextInt(TEXTS)];
    }

    String account() {
        return accounts[synthetic.random().nextInt(ACCOUNTS)];
    }

    String id(String prefix) {
        return synthetic.id(prefix, System.currentTimeMillis());
    }

    Event next() {
        int slot = synthetic.random().nextInt(OPEN);
        long millis = System.currentTimeMillis();
        Object payload;
        if (conversation[slot] == null || next[slot] == EVENTS_PER_CONVERSATION) {
            conversation[slot] = synthetic.id("conv", millis);
            owner[slot] = account();
            next[slot] = 0;
            ConversationCreated t = templates[synthetic.random().nextInt(templates.length)];
            payload = new ConversationCreated(conversation[slot], owner[slot], t.title(), t.content(), t.source(), t.metadata(),
                    t.systemPrompt(), t.llmId(), t.agentId());
        } else {
            int index = next[slot] - 1;
            payload = new MessagePosted(conversation[slot], owner[slot], synthetic.id("msg", millis), index,
                    index % 2 == 0 ? "user" : "agent", text());
        }
        long sequence = next[slot]++;
        return new Event(synthetic.uuid(), conversation[slot], sequence, Instant.ofEpochMilli(millis), payload, synthetic.eventMetadata());
    }
}
