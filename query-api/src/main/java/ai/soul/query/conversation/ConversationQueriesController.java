package ai.soul.query.conversation;

import ai.soul.edge.web.ResourceId;
import ai.soul.schemas.conversation.ConversationWithAttachments;
import ai.soul.edge.auth.Caller;
import ai.soul.schemas.conversation.ConversationResource;
import ai.soul.schemas.conversation.MessageResource;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.Page;
import ai.soul.query.attachment.AttachmentResources;
import ai.soul.projections.attachment.Attachments;
import ai.soul.projections.Paging;
import ai.soul.projections.conversation.ConversationDocument;
import ai.soul.projections.conversation.Conversations;
import ai.soul.projections.conversation.MessageDocument;
import ai.soul.projections.search.ConversationSearch;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The reads of {@code /v1/conversations}, served from the read models. */
@RestController
class ConversationQueriesController {

    private static final Set<String> STATUSES = Set.of("processing", "completed", "failed");
    private static final Set<String> SOURCES = Set.of("email", "whatsapp", "api");
    private static final Set<String> SORTS = Set.of("created_at", "-created_at", "updated_at", "-updated_at");


    /** A list filtered by {@code search} is made of this many best matches at most. */
    private static final int SEARCH_MATCHES = 1_000;

    private final Conversations conversations;
    private final ConversationSearch search;
    private final Attachments attachments;

    ConversationQueriesController(Conversations conversations, ConversationSearch search, Attachments attachments) {
        this.conversations = conversations;
        this.search = search;
        this.attachments = attachments;
    }

    @GetMapping("/v1/conversations")
    Page<ConversationResource> list(Caller caller, HttpServletRequest request,
                                    @RequestParam(defaultValue = "1") int page,
                                    @RequestParam(name = "per_page", defaultValue = "20") int perPage,
                                    @RequestParam(required = false) String status,
                                    @RequestParam(required = false) String source,
                                    @RequestParam(defaultValue = "-created_at") String sort,
                                    @RequestParam(name = "search", required = false) String text) {
        Page.check(page, perPage);
        checkOneOf("status", status, STATUSES);
        checkOneOf("source", source, SOURCES);
        checkOneOf("sort", sort, SORTS);
        var result = conversations.list(caller.accountId(), matches(caller, text), status, source, sort, page, perPage);
        return page(result, request, page, perPage, ConversationQueriesController::conversation);
    }

    @GetMapping("/v1/conversations/{id}")
    ConversationWithAttachments get(Caller caller, @PathVariable @ResourceId("conv") String id) {
        return new ConversationWithAttachments(conversation(find(caller, id)), AttachmentResources.ofConversation(attachments, id));
    }

    @GetMapping("/v1/conversations/{id}/messages")
    Page<MessageResource> messages(Caller caller, HttpServletRequest request, @PathVariable @ResourceId("conv") String id,
                                   @RequestParam(defaultValue = "1") int page,
                                   @RequestParam(name = "per_page", defaultValue = "20") int perPage) {
        Page.check(page, perPage);
        ConversationDocument conversation = find(caller, id);
        return page(conversations.messages(conversation, page, perPage), request, page, perPage, ConversationQueriesController::message);
    }

    /** One message, as its item in the list; another conversation's (or account's) is not found, like an unknown one. */
    @GetMapping("/v1/conversations/{id}/messages/{message_id}")
    MessageResource messageById(Caller caller, @PathVariable @ResourceId("conv") String id,
                                @PathVariable("message_id") @ResourceId("msg") String messageId) {
        ConversationDocument conversation = find(caller, id);
        return conversations.message(conversation, messageId).map(ConversationQueriesController::message)
                .orElseThrow(() -> ApiException.notFound("Message " + messageId + " not found"));
    }

    /** The ids of the search index's best matches, or null (no filter) without {@code search}. */
    private List<String> matches(Caller caller, String text) {
        if (text == null) {
            return null;
        }
        if (text.isBlank() || text.length() > 500) {
            throw invalid("search", "must be 1 to 500 characters");
        }
        try {
            return search.matchingIds(caller.accountId(), text, SEARCH_MATCHES);
        } catch (ConversationSearch.InvalidQueryException e) {
            throw invalid("search", e.getMessage());
        }
    }

    private ConversationDocument find(Caller caller, String id) {
        return conversations.find(caller.accountId(), id)
                .orElseThrow(() -> ApiException.notFound("Conversation " + id + " not found"));
    }

    private static void checkOneOf(String field, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw invalid(field, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
    }

    private static ApiException invalid(String field, String message) {
        return Page.invalidParameter(field, message);
    }

    private static <D, T> Page<T> page(Paging.Page<D> result, HttpServletRequest request, int page, int perPage,
                                       Function<D, T> map) {
        return Page.of(result.items().stream().map(map).toList(), page, perPage, result.total(), request);
    }

    static ConversationResource conversation(ConversationDocument d) {
        return new ConversationResource(d.id(), d.title(), d.content(), d.source(), d.status(), d.metadata(), d.systemPrompt(), d.llmId(),
                d.agentId(), d.summary(), d.messageCount(), d.createdAt(), d.updatedAt(), d.lastMessageAt());
    }

    static MessageResource message(MessageDocument d) {
        return new MessageResource(d.id(), d.conversationId(), d.index(), d.role(), d.content(), d.createdAt(), d.inReplyTo(), d.model(),
                d.replyStatus(), d.replyError());
    }
}
