package ai.soul.edge.web;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tomcat's own error report, in the envelope instead of an HTML page. Tomcat answers some requests
 * before any filter or servlet runs: a target with {@code %00}, an encoded {@code /} or {@code \},
 * a malformed or non-UTF-8 percent-escape, a request line or header section over the limit. Those
 * reach the host's error report valve and nothing else, so this valve replaces Tomcat's (see
 * {@code EdgeAutoConfiguration.jsonErrorReports}). Errors of the application itself never get
 * here with an empty body: the container's error page ({@link ErrorPage}) has answered them already.
 * The envelope itself is {@link ErrorEnvelope}'s, as everywhere.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    public JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        // as Tomcat's: nothing below 400, nothing once a body is written, each error reported once
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        if (status == null) {
            status = code < 500 ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
            response.setStatus(status.value());
        }
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) { // null only if the response was hard committed, which cannot happen here
                writer.write(new String(ErrorEnvelope.bytes(ApiException.ofStatus(status, messageFor(status))), StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException ignored) {
            // the client is gone or the response is already under way: nothing left to tell it
        }
    }

    /** Never Tomcat's own message: it may echo the request or name internals. */
    private static String messageFor(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "Malformed request: the request target or headers could not be parsed"
                    + " (a malformed or non-UTF-8 percent-escape, %00 or an encoded '/' or '\\' in the path, or too large)";
            case INTERNAL_SERVER_ERROR -> "Internal error";
            default -> status.getReasonPhrase();
        };
    }
}
