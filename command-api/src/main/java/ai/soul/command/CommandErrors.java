package ai.soul.command;

import ai.soul.domain.Conflict;
import ai.soul.domain.EventTooLarge;
import ai.soul.domain.NotFound;
import ai.soul.domain.RuleViolation;
import ai.soul.domain.account.InvalidCredentials;
import ai.soul.edge.web.ApiException;
import ai.soul.edge.web.ErrorEnvelope;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import java.util.Map;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** What the domain decides, in the error envelope. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CommandErrors {

    @ExceptionHandler(RuleViolation.class)
    public ResponseEntity<ErrorEnvelope> rule(RuleViolation e) {
        return answer(ApiException.validation(e.fields()));
    }

    @ExceptionHandler(EventTooLarge.class)
    public ResponseEntity<ErrorEnvelope> tooLarge(EventTooLarge e) {
        return answer(new ApiException(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", e.getMessage(),
                Map.of("event_bytes", e.bytes(), "limit_bytes", e.limit())));
    }

    @ExceptionHandler(NotFound.class)
    public ResponseEntity<ErrorEnvelope> notFound(NotFound e) {
        return answer(ApiException.notFound(e.getMessage()));
    }

    /**
     * Never created, or deleted: the same to a client, and the same as another account's
     * ({@link NotFound}, "Conversation conv_… not found"), so no answer tells them apart.
     */
    @ExceptionHandler(AggregateNotFoundException.class)
    public ResponseEntity<ErrorEnvelope> noAggregate(AggregateNotFoundException e) {
        String id = String.valueOf(e.getAggregateIdentifier());
        return answer(ApiException.notFound(new NotFound(noun(id) + " " + id).getMessage()));
    }

    /** What an id names, by its prefix, as the aggregates say it in their own refusals. */
    static String noun(String id) {
        String prefix = id == null || id.indexOf('_') < 0 ? "" : id.substring(0, id.indexOf('_'));
        return switch (prefix) {
            case "conv" -> "Conversation";
            case "att" -> "Attachment";
            case "exp" -> "Export";
            case "usr" -> "Account";
            case "key" -> "API key";
            default -> "Resource";
        };
    }

    @ExceptionHandler(InvalidCredentials.class)
    public ResponseEntity<ErrorEnvelope> invalidCredentials(InvalidCredentials e) {
        return answer(ApiException.unauthorized(e.getMessage()));
    }

    /** A rule about the state, in its own words. */
    @ExceptionHandler(Conflict.class)
    public ResponseEntity<ErrorEnvelope> ruleConflict(Conflict e) {
        return answer(ApiException.conflict(e.getMessage()));
    }

    /** Two writers at once, or an id used twice; a retry reads the new state. */
    @ExceptionHandler({ConcurrencyException.class, AggregateStreamCreationException.class})
    public ResponseEntity<ErrorEnvelope> conflict(RuntimeException e) {
        return answer(ApiException.conflict("The resource was changed concurrently or already exists; retry"));
    }

    private static ResponseEntity<ErrorEnvelope> answer(ApiException e) {
        return ErrorEnvelope.response(e);
    }
}
