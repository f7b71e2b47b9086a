package ai.soul.query.projection;

import ai.soul.projections.ParkedEvents;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The records the projections parked, for an operator (management side, exposed like
 * {@code projections}):
 * <ul>
 *   <li>{@code GET /actuator/parked-events[/{projection}]}: how many, and the first 500 with their errors;</li>
 *   <li>{@code POST /actuator/parked-events/{projection}[/{subject}]}: apply them again, each subject's in order;</li>
 *   <li>{@code DELETE /actuator/parked-events/{projection}/{partition}/{offset}}: discard one for good.</li>
 * </ul>
 * An unknown projection or record answers 404.
 */
@Component
@Endpoint(id = "parked-events")
class ParkedEventsEndpoint {

    private static final int LISTED = 500;

    private final ParkedEvents parked;
    private final Map<String, ProjectionRunner> runners;

    ParkedEventsEndpoint(ProjectionRuntime runtime) {
        this.parked = runtime.parked();
        this.runners = runtime.runners();
    }

    @ReadOperation
    Map<String, Object> list() {
        return listing(null);
    }

    @ReadOperation
    Map<String, Object> list(@Selector String projection) {
        return runners.containsKey(projection) ? listing(projection) : null;
    }

    private Map<String, Object> listing(String projection) {
        Map<String, Long> counts = parked.counts();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", projection == null ? counts.values().stream().mapToLong(Long::longValue).sum()
                : counts.getOrDefault(projection, 0L));
        answer.put("by_projection", counts);
        answer.put("events", parked.list(projection, LISTED));
        return answer;
    }

    @WriteOperation
    WebEndpointResponse<Map<String, Object>> retry(@Selector String projection) {
        return retry(projection, null);
    }

    @WriteOperation
    WebEndpointResponse<Map<String, Object>> retry(@Selector String projection, @Selector String subject) {
        ProjectionRunner runner = runners.get(projection);
        if (runner == null) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        ProjectionRunner.RetryOutcome outcome = runner.retry(subject);
        return new WebEndpointResponse<>(Map.of("applied", outcome.applied(), "still_parked", outcome.stillParked()));
    }

    @DeleteOperation
    WebEndpointResponse<Map<String, Object>> discard(@Selector String projection, @Selector int partition, @Selector long offset) {
        ProjectionRunner runner = runners.get(projection);
        if (runner == null || !runner.discard(ParkedEvents.id(projection, partition, offset))) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        return new WebEndpointResponse<>(Map.of("discarded", ParkedEvents.id(projection, partition, offset)));
    }
}
