package ai.soul.edge.health;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code GET /v1/health}: public, answers {status, timestamp, version}. {@code ok}; {@code degraded}
 * (200) while the instance serves but something needs an operator (parked events, a publisher
 * behind); {@code unavailable} (503) while Kafka or MongoDB is down.
 */
@RestController
public class HealthController {

    public record HealthResponse(String status, Instant timestamp, String version) {
    }

    /** The status of a contributor that serves but needs an operator's attention. */
    public static final String DEGRADED = "DEGRADED";

    private final HealthEndpoint health;
    private final String version;

    public HealthController(HealthEndpoint health) {
        this.health = health;
        String implementation = HealthController.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "dev" : implementation;
    }

    @GetMapping("/v1/health")
    public ResponseEntity<HealthResponse> health() {
        Status status = health.health().getStatus();
        String state = Status.UP.equals(status) ? "ok" : DEGRADED.equals(status.getCode()) ? "degraded" : "unavailable";
        return ResponseEntity.status(state.equals("unavailable") ? 503 : 200)
                .body(new HealthResponse(state, Instant.now().truncatedTo(ChronoUnit.SECONDS), version));
    }
}
