package ai.soul.edge.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which route of the API a request is for, looked up in Spring MVC's own handler mapping before the
 * filters judge the request, so that each judges by what the route declares (whether it exists, what
 * it {@code produces} and {@code consumes}) rather than by paths it would have to know. Looked up
 * once per request; no handler runs.
 */
public class Routes {

    /** What the lookup found. */
    public enum Match {
        /** A handler takes the request as it came. */
        FOUND,
        /** No route has the path: the request will be answered 404. */
        NONE,
        /** The route exists, but produces nothing the Accept header admits. */
        NOT_ACCEPTABLE,
        /** The route exists, but not as the request came (another method, another Content-Type). */
        MISMATCH
    }

    /** A request's route: {@code info} is the matched mapping, when there is one. */
    public record Route(Match match, RequestMappingInfo info) {

        /** Whether the request is for a route of the API (in whatever way it was sent). */
        public boolean exists() {
            return match != Match.NONE;
        }

        /** What the route declares it produces; empty when it declares nothing (then it answers JSON, as every route). */
        public Set<MediaType> produces() {
            return info == null ? Set.of() : info.getProducesCondition().getProducibleMediaTypes();
        }

        /** What the route declares it consumes; empty when it declares nothing. */
        public Set<MediaType> consumes() {
            return info == null ? Set.of() : info.getConsumesCondition().getConsumableMediaTypes();
        }
    }

    private static final String ATTRIBUTE = Routes.class.getName() + ".route";

    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private volatile Map<Method, RequestMappingInfo> infos;

    public Routes(ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.mappings = mappings;
    }

    public Route of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof Route route) {
            return route;
        }
        Route route = lookUp(request);
        request.setAttribute(ATTRIBUTE, route);
        return route;
    }

    private Route lookUp(HttpServletRequest request) {
        RequestMappingHandlerMapping mapping = mappings.getIfAvailable();
        if (mapping == null) {
            return new Route(Match.NONE, null);
        }
        try {
            HandlerExecutionChain chain = mapping.getHandler(request);
            if (chain == null) {
                return new Route(Match.NONE, null);
            }
            return new Route(Match.FOUND, chain.getHandler() instanceof HandlerMethod method ? infos(mapping).get(method.getMethod()) : null);
        } catch (HttpMediaTypeNotAcceptableException e) {
            return new Route(Match.NOT_ACCEPTABLE, null);
        } catch (Exception e) {
            // the mapping says why no handler takes it (method, Content-Type, parameters) once the request is dispatched
            return new Route(Match.MISMATCH, null);
        }
    }

    private Map<Method, RequestMappingInfo> infos(RequestMappingHandlerMapping mapping) {
        Map<Method, RequestMappingInfo> known = infos;
        if (known == null) {
            known = new HashMap<>();
            for (var entry : mapping.getHandlerMethods().entrySet()) {
                known.put(entry.getValue().getMethod(), entry.getKey());
            }
            infos = known;
        }
        return known;
    }
}
