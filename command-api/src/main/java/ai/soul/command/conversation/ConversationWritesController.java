package ai.soul.command.conversation;

import ai.soul.domain.conversation.ConversationCommands.CreateConversation;
import ai.soul.domain.conversation.ConversationCommands.DeleteConversation;
import ai.soul.domain.conversation.ConversationCommands.InitialMessage;
import ai.soul.domain.conversation.ConversationCommands.UpdateConversation;
import ai.soul.domain.conversation.ConversationView;
import ai.soul.edge.Ids;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.schemas.attachment.AttachmentResource;
import ai.soul.schemas.conversation.ConversationResource;
import ai.soul.schemas.conversation.ConversationWithAttachments;
import ai.soul.edge.web.ResourceId;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The writes of {@code /v1/conversations}: each answers with the resource it produced. */
@RestController
class ConversationWritesController {

    record MessageInput(String role, String content) {
    }

    record CreateRequest(String title, String content, String source, Map<String, Object> metadata, String systemPrompt,
                         String llmId, String agentId, List<MessageInput> messages) {
    }

    record UpdateRequest(String title, String content, Map<String, Object> metadata, String systemPrompt, String llmId,
                         String agentId) {
    }

    record Deleted(boolean deleted, String id) {
    }

    private final CommandGateway gateway;
    private final ReadYourWrites readYourWrites;

    ConversationWritesController(CommandGateway gateway, ReadYourWrites readYourWrites) {
        this.gateway = gateway;
        this.readYourWrites = readYourWrites;
    }

    @PostMapping(path = "/v1/conversations", consumes = "application/json")
    ResponseEntity<ConversationWithAttachments> create(Caller caller, @RequestBody CreateRequest request) {
        String id = Ids.next("conv");
        List<InitialMessage> messages = request.messages() == null ? null : request.messages().stream()
                .map(m -> new InitialMessage(Ids.next("msg"), m == null ? null : m.role(), m == null ? null : m.content()))
                .toList();
        var command = new CreateConversation(id, caller.accountId(), request.title(), request.content(), request.source(),
                request.metadata(), request.systemPrompt(), request.llmId(), request.agentId(), messages);
        ConversationView view = readYourWrites.write(id, () -> gateway.sendAndWait(command), ConversationView::version,
                caller.accountId());
        return ResponseEntity.created(URI.create("/v1/conversations/" + id)).body(resource(view));
    }

    @PatchMapping(path = "/v1/conversations/{id}", consumes = "application/json")
    ConversationWithAttachments update(Caller caller, @PathVariable @ResourceId("conv") String id, @RequestBody UpdateRequest request) {
        var command = new UpdateConversation(id, caller.accountId(), request.title(), request.content(), request.metadata(),
                request.systemPrompt(), request.llmId(), request.agentId());
        return resource(readYourWrites.write(id, () -> gateway.sendAndWait(command), ConversationView::version,
                caller.accountId()));
    }

    @DeleteMapping("/v1/conversations/{id}")
    Deleted delete(Caller caller, @PathVariable @ResourceId("conv") String id) {
        readYourWrites.write(id, () -> gateway.sendAndWait(new DeleteConversation(id, caller.accountId())),
                (Long version) -> version, caller.accountId());
        return new Deleted(true, id);
    }

    private static ConversationWithAttachments resource(ConversationView v) {
        return new ConversationWithAttachments(conversation(v), v.attachments().stream().map(a -> new AttachmentResource(a.id(),
                a.filename(), a.size(), a.mimeType(), ServletUriComponentsBuilder.fromCurrentContextPath()
                .path(AttachmentResource.contentPath(a.id())).toUriString(), a.createdAt())).toList());
    }

    private static ConversationResource conversation(ConversationView v) {
        return new ConversationResource(v.id(), v.title(), v.content(), v.source(), v.status(), v.metadata(), v.systemPrompt(),
                v.llmId(), v.agentId(), v.summary(), v.messageCount(), v.createdAt(), v.updatedAt(), v.lastMessageAt());
    }
}
