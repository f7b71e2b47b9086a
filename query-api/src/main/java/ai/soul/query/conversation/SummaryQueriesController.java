package ai.soul.query.conversation;

import ai.soul.edge.web.ResourceId;
import ai.soul.edge.auth.Caller;
import ai.soul.schemas.conversation.SummaryResource;
import ai.soul.edge.web.ApiException;
import ai.soul.projections.conversation.Conversations;
import org.bson.Document;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.Date;

/** {@code GET /v1/conversations/{id}/summaries/{summary_id}}, from the summaries read model. */
@RestController
class SummaryQueriesController {

    private final Conversations conversations;

    SummaryQueriesController(Conversations conversations) {
        this.conversations = conversations;
    }

    @GetMapping("/v1/conversations/{id}/summaries/{summaryId}")
    SummaryResource get(Caller caller, @PathVariable @ResourceId("conv") String id, @PathVariable @ResourceId("summary") String summaryId) {
        Document d = conversations.summary(caller.accountId(), id, summaryId)
                .orElseThrow(() -> ApiException.notFound("Summary " + summaryId + " not found"));
        Object score = d.get("sentiment_score");
        return new SummaryResource(d.getString("_id"), d.getString("conversation_id"), d.getString("status"),
                d.getString("language"), d.getString("style"), d.getString("title"), d.getString("content"),
                d.getString("sentiment"), score instanceof Number n ? n.doubleValue() : null, d.getList("topics", String.class),
                d.getList("action_items", String.class), d.getString("model"), d.getString("error"),
                instant(d.getDate("created_at")), instant(d.getDate("completed_at")));
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
