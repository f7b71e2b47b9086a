package ai.soul.command.conversation;

import ai.soul.command.PreferWait;
import ai.soul.domain.conversation.ConversationCommands.PostMessage;
import ai.soul.domain.conversation.ConversationCommands.RequestSummary;
import ai.soul.domain.conversation.MessageView;
import ai.soul.domain.conversation.SummaryView;
import ai.soul.edge.Ids;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.schemas.conversation.SummaryResource;
import ai.soul.edge.web.ResourceId;
import ai.soul.schemas.conversation.AgentReplied;
import ai.soul.schemas.conversation.AgentReplyFailed;
import ai.soul.schemas.conversation.SummaryFailed;
import ai.soul.schemas.conversation.SummaryGenerated;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;

/**
 * Messages (which the agent answers) and summaries. Both answer at once; with {@code Prefer: wait=N}
 * (RFC 7240) they wait up to N seconds (capped) for the effect's outcome and include it.
 */
@RestController
class RepliesController {


    record PostMessageRequest(String content, String llmId, Boolean verbose) {
    }

    record SummaryRequest(String language, String style) {
    }

    /** The agent's reply; {@code reasoning} only when verbose was asked for and the model gave one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Reply(String id, String conversationId, int index, String role, String content, Instant createdAt, String model,
                 String reasoning) {
    }

    /** The posted message, with the reply (or why there is none) when the client waited for it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PostedMessage(String id, String conversationId, int index, String role, String content, Instant createdAt,
                         Reply reply, String replyError) {
    }

    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;
    private final PreferWait waits;

    RepliesController(CommandGateway gateway, ReadYourWrites readYourWrites, PreferWait waits) {
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
        this.waits = waits;
    }

    @PostMapping(path = "/v1/conversations/{id}/messages", consumes = "application/json")
    ResponseEntity<PostedMessage> post(Caller caller, @PathVariable @ResourceId("conv") String id, @RequestBody PostMessageRequest request,
                                       @RequestHeader(name = "Prefer", required = false) String prefer) {
        String messageId = Ids.next("msg");
        boolean verbose = Boolean.TRUE.equals(request.verbose());
        var command = new PostMessage(id, caller.accountId(), messageId, request.content(), request.llmId(), verbose);
        MessageView m = readYourWrites.write(id, () -> gateway.sendAndWait(command), MessageView::version, caller.accountId());
        PostedMessage posted = new PostedMessage(m.id(), m.conversationId(), m.index(), m.role(), m.content(), m.createdAt(),
                null, null);
        var waited = waits.await(prefer, id, m.version(), caller.accountId(), event -> {
            if (event.getPayload() instanceof AgentReplied r && r.inReplyTo().equals(messageId)) {
                return withReply(posted, new Reply(r.messageId(), id, r.index(), "agent", r.content(), event.getTimestamp(),
                        r.model(), verbose ? r.reasoning() : null), null);
            }
            if (event.getPayload() instanceof AgentReplyFailed f && f.inReplyTo().equals(messageId)) {
                return withReply(posted, null, f.reason());
            }
            return null;
        });
        return ResponseEntity.created(URI.create("/v1/conversations/" + id + "/messages/" + m.id())).headers(waited.headers())
                .body(waited.outcome().orElse(posted));
    }

    @PostMapping(path = "/v1/conversations/{id}/summaries")
    ResponseEntity<SummaryResource> summarize(Caller caller, @PathVariable @ResourceId("conv") String id,
                                              @RequestBody(required = false) SummaryRequest request,
                                              @RequestHeader(name = "Prefer", required = false) String prefer) {
        SummaryRequest r = request == null ? new SummaryRequest(null, null) : request;
        var command = new RequestSummary(id, caller.accountId(), Ids.next("summary"), r.language(), r.style());
        SummaryView s = readYourWrites.write(id, () -> gateway.sendAndWait(command), SummaryView::version, caller.accountId());
        SummaryResource processing = new SummaryResource(s.id(), id, "processing", s.language(), s.style(), null, null, null,
                null, null, null, null, null, s.createdAt(), null);
        var waited = waits.await(prefer, id, s.version(), caller.accountId(), event -> {
            if (event.getPayload() instanceof SummaryGenerated g && g.summaryId().equals(s.id())) {
                return new SummaryResource(s.id(), id, "completed", g.language(), g.style(), g.title(), g.content(), g.sentiment(),
                        g.sentimentScore(), g.topics(), g.actionItems(), g.model(), null, s.createdAt(), event.getTimestamp());
            }
            if (event.getPayload() instanceof SummaryFailed f && f.summaryId().equals(s.id())) {
                return new SummaryResource(s.id(), id, "failed", s.language(), s.style(), null, null, null, null, null, null,
                        null, f.reason(), s.createdAt(), event.getTimestamp());
            }
            return null;
        });
        return ResponseEntity.status(waited.outcome().isPresent() ? HttpStatus.OK : HttpStatus.ACCEPTED).headers(waited.headers())
                .body(waited.outcome().orElse(processing));
    }

    private static PostedMessage withReply(PostedMessage m, Reply reply, String error) {
        return new PostedMessage(m.id(), m.conversationId(), m.index(), m.role(), m.content(), m.createdAt(), reply, error);
    }
}
