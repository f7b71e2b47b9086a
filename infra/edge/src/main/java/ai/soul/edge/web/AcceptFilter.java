package ai.soul.edge.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every answer of the API is {@code application/json}. A request whose Accept header rules that out
 * is refused with 406 before anything else runs: content negotiation happens only once the handler
 * has returned, so without this a write would be carried out and only its answer refused.
 *
 * <p>No Accept header, <code>*&#47;*</code>, {@code application/*} and {@code application/json} admit JSON;
 * when several ranges match, the most specific one decides and {@code q=0} means "not this"
 * (RFC 9110, section 12.5.1), so {@code application/json;q=0.5, text/html} is served as JSON and
 * {@code text/html, application/json;q=0} is not. The actuator serves its own media types and is left alone,
 * and so is an attachment download, which answers with the type of the file.
 */
public class AcceptFilter extends OncePerRequestFilter {

    private final ErrorWriter errors;

    public AcceptFilter(ErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // a download answers with the file's own type; its errors are JSON like every other
        return request.getRequestURI().startsWith("/actuator/")
                || ai.soul.edge.attachment.AttachmentLimits.isDownload(request.getMethod(), request.getRequestURI())
                || ai.soul.schemas.export.ExportResource.isDownload(request.getMethod(), request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<MediaType> ranges;
        try {
            ranges = MediaType.parseMediaTypes(new ArrayList<>(Collections.list(request.getHeaders("Accept"))));
        } catch (IllegalArgumentException malformed) {
            errors.write(response, ApiException.badRequest("The Accept header is malformed"));
            return;
        }
        if (!admitsJson(ranges)) {
            errors.write(response, ApiException.notAcceptable());
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
