package ai.soul.platform.health;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** {@code GET /v1/health}: public, answers {status, timestamp, version}; 503 while Kafka or MongoDB is down. */
@RestController
public class HealthController {

    public record HealthResponse(String status, Instant timestamp, String version) {
    }

    private final HealthEndpoint health;
    private final String version;

    public HealthController(HealthEndpoint health) {
        this.health = health;
        String implementation = HealthController.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "dev" : implementation;
    }

    @GetMapping("/v1/health")
    public ResponseEntity<HealthResponse> health() {
        boolean up = Status.UP.equals(health.health().getStatus());
        return ResponseEntity.status(up ? 200 : 503)
                .body(new HealthResponse(up ? "ok" : "degraded", Instant.now().truncatedTo(ChronoUnit.SECONDS), version));
    }
}
