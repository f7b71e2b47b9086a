package ai.soul.edge.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A request whose Accept header rules out what its route produces is refused with 406 before anything
 * else runs: content negotiation happens only once the handler has returned, so without this a write
 * would be carried out and only its answer refused.
 *
 * <p>The request is routed first ({@link Routes}) and judged against its route: a route that declares
 * what it {@code produces} (an event stream, a download in the file's own type) has been matched against
 * the Accept header by Spring MVC itself; every other route answers {@code application/json}. No Accept
 * header, <code>*&#47;*</code>, {@code application/*} and {@code application/json} admit JSON; when several
 * ranges match, the most specific one decides and {@code q=0} means "not this" (RFC 9110, section 12.5.1),
 * so {@code application/json;q=0.5, text/html} is served as JSON and {@code text/html, application/json;q=0}
 * is not. A path that is no route is left to be answered 404, and the actuator's own (not routes of the
 * API's handler mapping) serves its own media types.
 */
public class AcceptFilter extends OncePerRequestFilter {

    private final Routes routes;

    public AcceptFilter(Routes routes) {
        this.routes = routes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Routes.Route route = routes.of(request);
        if (!route.exists()) {
            chain.doFilter(request, response);
            return;
        }
        List<MediaType> ranges;
        try {
            ranges = MediaType.parseMediaTypes(new ArrayList<>(Collections.list(request.getHeaders("Accept"))));
        } catch (IllegalArgumentException malformed) {
            ErrorEnvelope.write(response, ApiException.badRequest("The Accept header is malformed"));
            return;
        }
        if (route.match() == Routes.Match.NOT_ACCEPTABLE) {
            ErrorEnvelope.write(response, ApiException.ofStatus(HttpStatus.NOT_ACCEPTABLE,
                    "This resource is not available in any type the Accept header admits"));
            return;
        }
        // a route that declares nothing answers JSON; one that did was matched against Accept already. A route
        // that takes the request in no way (method, Content-Type) is answered with an error, JSON whatever Accept says
        if (route.match() == Routes.Match.FOUND && route.produces().isEmpty() && !admitsJson(ranges)) {
            ErrorEnvelope.write(response, ApiException.notAcceptable());
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean admitsJson(List<MediaType> ranges) {
        if (ranges.isEmpty()) {
            return true;
        }
        MediaType decisive = null;
        for (MediaType range : ranges) {
            int specificity = specificityFor(range);
            if (specificity >= 0 && (decisive == null || specificity > specificityFor(decisive))) {
                decisive = range;
            }
        }
        return decisive != null && decisive.getQualityValue() > 0;
    }

    /** How closely a range names application/json: 2 exactly, 1 as application/*, 0 as <code>*&#47;*</code>, -1 not at all. */
    private static int specificityFor(MediaType range) {
        if (range.isWildcardType()) {
            return 0;
        }
        if (!range.getType().equals("application")) {
            return -1;
        }
        return switch (range.getSubtype()) {
            case "json" -> 2;
            case "*" -> 1;
            default -> -1;
        };
    }
}
