package ai.soul.edge.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container reports on its own (an exception thrown outside the DispatcherServlet,
 * an error status set by a filter) also gets the envelope. Requests that Tomcat refuses before any
 * application code runs are answered by {@link JsonErrorReportValve}.
 */
@RestController
public class ErrorPage implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<ErrorEnvelope> error(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            // asked for by a client: /error is the container's, not a route of the API
            return ErrorEnvelope.response(ApiException.notFound("No route " + request.getMethod() + " " + request.getRequestURI()));
        }
        Throwable t = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            // a refusal raised in a filter (a body found over the limit while a filter reads it) is answered as itself
            ApiException refusal = ErrorEnvelope.refusal(t);
            if (refusal != null) {
                return ErrorEnvelope.response(refusal);
            }
            // a request Tomcat could not parse the parameters of, failing in a filter, is the client's fault
            if (t instanceof InvalidParameterException invalid && HttpStatus.resolve(invalid.getErrorCode()) != null) {
                return ErrorEnvelope.response(ApiException.ofStatus(HttpStatus.valueOf(invalid.getErrorCode()),
                        HttpStatus.valueOf(invalid.getErrorCode()).getReasonPhrase()));
            }
        }
        HttpStatus status = statusOf(request);
        String message = status == HttpStatus.INTERNAL_SERVER_ERROR ? "Internal error" : status.getReasonPhrase();
        return ErrorEnvelope.response(ApiException.ofStatus(status, message));
    }

    private static HttpStatus statusOf(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        return code instanceof Integer i && HttpStatus.resolve(i) != null ? HttpStatus.valueOf(i) : HttpStatus.INTERNAL_SERVER_ERROR;
    }
}
