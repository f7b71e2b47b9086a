package ai.soul.query.conversation;

import ai.soul.edge.web.ResourceId;
import ai.soul.edge.auth.Caller;
import ai.soul.schemas.conversation.SummaryResource;
import ai.soul.edge.web.ApiException;
import ai.soul.projections.conversation.Conversations;
import ai.soul.projections.conversation.SummaryDocument;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;


/** {@code GET /v1/conversations/{id}/summaries/{summary_id}}, from the summaries read model. */
@RestController
class SummaryQueriesController {

    private final Conversations conversations;

    SummaryQueriesController(Conversations conversations) {
        this.conversations = conversations;
    }

    @GetMapping("/v1/conversations/{id}/summaries/{summaryId}")
    SummaryResource get(Caller caller, @PathVariable @ResourceId("conv") String id, @PathVariable @ResourceId("summary") String summaryId) {
        SummaryDocument d = conversations.summary(caller.accountId(), id, summaryId)
                .orElseThrow(() -> ApiException.notFound("Summary " + summaryId + " not found"));
        return new SummaryResource(d.id(), d.conversationId(), d.status(), d.language(), d.style(), d.title(), d.content(), d.sentiment(),
                d.sentimentScore(), d.topics(), d.actionItems(), d.model(), d.error(), d.createdAt(), d.completedAt());
    }
}
