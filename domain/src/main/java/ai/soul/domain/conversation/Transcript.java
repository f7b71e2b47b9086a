package ai.soul.domain.conversation;

import ai.soul.domain.ai.AiPort.Turn;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What a model is told about a conversation, read from its events in the event store rather than
 * from the read models, which may not have caught up with the message being answered.
 */
record Transcript(String title, String context, String systemPrompt, String llmId, List<Turn> turns) {

    /** The conversation up to and including message {@code lastMessageId} (all of it when null). */
    static Transcript read(EventStore events, String conversationId, String lastMessageId) {
        String title = null, context = null, systemPrompt = null, llmId = null;
        List<Turn> turns = new ArrayList<>();
        boolean complete = false;
        for (Iterator<? extends DomainEventMessage<?>> it = events.readEvents(conversationId); it.hasNext(); ) {
            Object event = it.next().getPayload();
            if (event instanceof ConversationCreated e) {
                title = e.title();
                context = e.content();
                systemPrompt = e.systemPrompt();
                llmId = e.llmId();
            } else if (event instanceof ConversationUpdated e) {
                if (e.title() != null) title = e.title();
                if (e.content() != null) context = e.content();
                if (e.systemPrompt() != null) systemPrompt = e.systemPrompt();
                if (e.llmId() != null) llmId = e.llmId();
            } else if (event instanceof MessagePosted e && !complete) {
                turns.add(new Turn(e.role(), e.content()));
                complete = e.messageId().equals(lastMessageId);
            } else if (event instanceof AgentReplied e && !complete) {
                turns.add(new Turn("agent", e.content()));
            }
        }
        return new Transcript(title, context, systemPrompt, llmId, List.copyOf(turns));
    }
}
