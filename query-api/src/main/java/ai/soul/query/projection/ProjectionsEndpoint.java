package ai.soul.query.projection;

import ai.soul.projections.Projector;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * {@code GET /actuator/projections}: the state of the read models and of their last rebuild;
 * {@code POST /actuator/projections}: rebuild them from the whole log (answers once the rebuild
 * runs; poll until {@code rebuild.finished_at} is set). {@code /actuator/projections/{name}} does
 * the same for any projection by name ({@code read-models}, {@code search}, {@code usage-events}, ...).
 * Not exposed unless listed in {@code management.endpoints.web.exposure.include}.
 */
@Component
@Endpoint(id = "projections")
class ProjectionsEndpoint {

    private final ProjectionRuntime runtime;

    ProjectionsEndpoint(ProjectionRuntime runtime) {
        this.runtime = runtime;
    }

    @ReadOperation
    Map<String, Object> status() {
        return status(Projector.READ_MODELS);
    }

    @WriteOperation
    Map<String, Object> rebuild() {
        return rebuild(Projector.READ_MODELS);
    }

    /** An unknown name answers 404 (a null result). */
    @ReadOperation
    Map<String, Object> status(@Selector String name) {
        ProjectionRunner runner = runtime.runners().get(name);
        return runner == null ? null : runner.progress().status();
    }

    @WriteOperation
    Map<String, Object> rebuild(@Selector String name) {
        ProjectionRunner runner = runtime.runners().get(name);
        if (runner == null) {
            return null;
        }
        runtime.rebuild(runner);
        return runner.progress().status();
    }
}
