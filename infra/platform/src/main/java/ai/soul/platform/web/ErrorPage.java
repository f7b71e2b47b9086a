package ai.soul.platform.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the servlet container reports on its own (a request it could not even parse) also gets the envelope. */
@RestController
public class ErrorPage implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<ErrorEnvelope> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null ? HttpStatus.valueOf(i) : HttpStatus.INTERNAL_SERVER_ERROR;
        String name = switch (status) {
            case NOT_FOUND -> "not_found";
            case CONTENT_TOO_LARGE -> "payload_too_large";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case UNAUTHORIZED -> "unauthorized";
            case FORBIDDEN -> "forbidden";
            default -> status.is4xxClientError() ? "bad_request" : "internal_error";
        };
        String message = status.is5xxServerError() ? "Internal error" : status.getReasonPhrase();
        return ResponseEntity.status(status).body(ErrorEnvelope.of(new ApiException(status, name, message, null)));
    }
}
