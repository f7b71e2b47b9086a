package ai.soul.query.projection;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /actuator/projections}: the state of the read models and of their last rebuild;
 * {@code POST /actuator/projections}: rebuild them from the whole log (answers once the rebuild
 * runs; poll until {@code rebuild.finished_at} is set). {@code /actuator/projections/{name}} does
 * the same for one projection by name: {@code read-models} or {@code search} (the search index).
 * Not exposed unless listed in {@code management.endpoints.web.exposure.include}.
 */
@Component
@Endpoint(id = "projections")
class ProjectionsEndpoint {

    private final Map<String, ProjectionRebuilder> rebuilders;

    ProjectionsEndpoint(List<ProjectionRebuilder> rebuilders) {
        this.rebuilders = rebuilders.stream().collect(Collectors.toMap(ProjectionRebuilder::name, Function.identity()));
    }

    @ReadOperation
    Map<String, Object> status() {
        return status(ProjectionRunner.READ_MODELS);
    }

    @WriteOperation
    Map<String, Object> rebuild() {
        return rebuild(ProjectionRunner.READ_MODELS);
    }

    /** An unknown name answers 404 (a null result). */
    @ReadOperation
    Map<String, Object> status(@Selector String name) {
        ProjectionRebuilder rebuilder = rebuilders.get(name);
        return rebuilder == null ? null : rebuilder.progress().status();
    }

    @WriteOperation
    Map<String, Object> rebuild(@Selector String name) {
        ProjectionRebuilder rebuilder = rebuilders.get(name);
        if (rebuilder == null) {
            return null;
        }
        rebuilder.rebuild();
        return rebuilder.progress().status();
    }
}
