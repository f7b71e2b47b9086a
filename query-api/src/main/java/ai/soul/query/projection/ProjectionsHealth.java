package ai.soul.query.projection;

import ai.soul.edge.health.HealthController;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code projections} in health: DEGRADED while any projection holds parked records (it serves
 * everything else, so the instance stays in service: {@code /v1/health} says {@code degraded} with
 * a 200), and the meter {@code soul.projection.parked} per projection.
 */
@Component("projections")
class ProjectionsHealth extends AbstractHealthIndicator {

    static final Status DEGRADED = new Status(HealthController.DEGRADED, "Some events could not be applied and are parked");

    private final Collection<ProjectionRunner> runners;

    ProjectionsHealth(ProjectionRuntime runtime, MeterRegistry meters) {
        this.runners = runtime.runners().values();
        for (ProjectionRunner runner : runners) {
            Gauge.builder("soul.projection.parked", runner.progress(), ProjectionProgress::parked)
                    .description("Records of the log the projection could not apply, parked for an operator")
                    .tag("projection", runner.name())
                    .register(meters);
        }
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        long parked = 0;
        Map<String, Object> details = new LinkedHashMap<>();
        for (ProjectionRunner runner : runners) {
            parked += runner.progress().parked();
            details.put(runner.name(), Map.of("parked_events", runner.progress().parked(),
                    "state", runner.progress().rebuilding() ? "rebuilding" : "live"));
        }
        builder.status(parked > 0 ? DEGRADED : Status.UP).withDetails(details);
    }
}
