package ai.soul.query.projection;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * {@code GET /actuator/projections}: the state of the read models and of the last rebuild;
 * {@code POST /actuator/projections}: rebuild them from the whole log (answers once the rebuild
 * runs; poll until {@code rebuild.finished_at} is set). Not exposed unless listed in
 * {@code management.endpoints.web.exposure.include}.
 */
@Component
@Endpoint(id = "projections")
class ProjectionsEndpoint {

    private final ProjectionProgress progress;
    private final ProjectionRebuilder rebuilder;

    ProjectionsEndpoint(ProjectionProgress progress, ProjectionRebuilder rebuilder) {
        this.progress = progress;
        this.rebuilder = rebuilder;
    }

    @ReadOperation
    Map<String, Object> status() {
        return progress.status();
    }

    @WriteOperation
    Map<String, Object> rebuild() {
        rebuilder.rebuild();
        return progress.status();
    }
}
