package ai.soul.domain.conversation;

/**
 * Bounds on the work one request can cause, from configuration ({@code soul.conversations.*}):
 * the messages a conversation may be created with, and how much of a conversation a reply or a
 * summary reads (its last {@code transcriptTurns} messages, cut to {@code transcriptChars} characters).
 */
public record ConversationLimits(int initialMessages, int transcriptTurns, int transcriptChars) {

    public static final ConversationLimits DEFAULTS = new ConversationLimits(1_000, 200, 100_000);

    public ConversationLimits {
        if (initialMessages < 0 || transcriptTurns < 1 || transcriptChars < 1) {
            throw new IllegalArgumentException("conversation limits must be positive");
        }
    }
}
