package ai.soul.domain.conversation;

import ai.soul.domain.ai.AiPort.Turn;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationFields;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * What a model is told about a conversation, read from its events in the event store rather than
 * from the read models, which may not have caught up with the message being answered. Bounded by
 * {@link ConversationLimits}: the last {@code transcriptTurns} messages, then as many of the latest
 * as fit in {@code transcriptChars}. A message's payload is only deserialized when it is among the
 * last ones (the store's payloads are lazy), so a long conversation costs a scan, not a parse. The
 * conversation's own fields are folded as the aggregate folds them ({@link ConversationFields}).
 */
record Transcript(String title, String context, String systemPrompt, String llmId, List<Turn> turns) {

    /** The conversation up to and including the event at {@code lastSequence} (all of it when null). */
    static Transcript read(EventStore events, String conversationId, Long lastSequence, ConversationLimits limits) {
        ConversationFields fields = new ConversationFields(null, null, null, null, null, null);
        Deque<DomainEventMessage<?>> last = new ArrayDeque<>(limits.transcriptTurns());
        for (Iterator<? extends DomainEventMessage<?>> it = events.readEvents(conversationId); it.hasNext(); ) {
            DomainEventMessage<?> event = it.next();
            Class<?> type = event.getPayloadType();
            if (type == ConversationCreated.class) {
                fields = ConversationFields.of((ConversationCreated) event.getPayload());
            } else if (type == ConversationUpdated.class) {
                fields = fields.with((ConversationUpdated) event.getPayload());
            } else if ((type == MessagePosted.class || type == AgentReplied.class)
                    && (lastSequence == null || event.getSequenceNumber() <= lastSequence)) {
                if (last.size() == limits.transcriptTurns()) {
                    last.removeFirst();
                }
                last.addLast(event);
            }
        }
        return new Transcript(fields.title(), fields.content(), fields.systemPrompt(), fields.llmId(), latest(last, limits.transcriptChars()));
    }

    /** The turns, oldest first, keeping the latest that fit in {@code maxChars} (the last one always, cut if it must be). */
    private static List<Turn> latest(Deque<DomainEventMessage<?>> messages, int maxChars) {
        List<Turn> kept = new ArrayList<>();
        int chars = 0;
        for (Iterator<DomainEventMessage<?>> it = messages.descendingIterator(); it.hasNext(); ) {
            Object payload = it.next().getPayload();
            Turn turn = payload instanceof MessagePosted e ? new Turn(e.role(), e.content())
                    : new Turn("agent", ((AgentReplied) payload).content());
            String content = turn.content() == null ? "" : turn.content();
            if (chars + content.length() > maxChars) {
                if (kept.isEmpty()) {
                    kept.add(new Turn(turn.role(), content.substring(content.length() - maxChars)));
                }
                break;
            }
            chars += content.length();
            kept.add(turn);
        }
        Collections.reverse(kept);
        return List.copyOf(kept);
    }
}
