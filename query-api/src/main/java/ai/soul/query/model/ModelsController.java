package ai.soul.query.model;

import ai.soul.ai.ModelCatalogue;
import ai.soul.edge.auth.Caller;
import ai.soul.edge.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/** {@code GET /v1/models?type=llm|sd}: the catalogue, from configuration; the same for every account. */
@RestController
class ModelsController {

    private final ModelCatalogue catalogue;

    ModelsController(ModelCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The caller is unused, but asking for it keeps the endpoint behind the API key like every other /v1 read. */
    @GetMapping("/v1/models")
    List<ModelCatalogue.Entry> models(Caller caller, @RequestParam(required = false) String type) {
        if (!"llm".equals(type) && !"sd".equals(type)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad_request",
                    type == null ? "Parameter type is required" : "Invalid parameter type",
                    Map.of("fields", Map.of("type", List.of("must be one of llm, sd"))));
        }
        return catalogue.models(type);
    }
}
