package ai.soul.edge.web;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.util.StringUtils;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns what fails in a handler into the error envelope ({@link ErrorEnvelope} writes it). Nothing
 * framework-shaped leaks out, and every answer is {@code application/json} whatever the Accept header says.
 * A failure is told as it states itself ({@link ApiException}, a refusal of another module), as a
 * {@link ErrorTranslator} says it, as Spring MVC's failures are listed here, or else as a 500.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ApiExceptionHandler implements ResponseBodyAdvice<Object> {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final ObjectProvider<ErrorTranslator> translators;
    private final ObjectProvider<MultipartConfigElement> multipart;

    public ApiExceptionHandler(ObjectProvider<ErrorTranslator> translators, ObjectProvider<MultipartConfigElement> multipart) {
        this.translators = translators;
        this.multipart = multipart;
    }

    @ExceptionHandler(ApiException.class)
    public ResponseEntity<ErrorEnvelope> api(ApiException e, HttpServletRequest request) {
        Map<String, List<String>> types = TypeErrors.pending(request);
        return ErrorEnvelope.response(types == null ? e : TypeErrors.answer(types, e));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<ErrorEnvelope> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api(api, request);
            }
            if (t instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
                // the JSON is well formed but a field has the wrong type (bodies not read by TypeErrors.Reader)
                return api(ApiException.validation(Map.of(TypeErrors.fieldOf(mismatch),
                        List.of("must be " + TypeErrors.simpleType(mismatch.getTargetType())))), request);
            }
            if (t instanceof JacksonException && !(t instanceof DatabindException)) {
                var at = ((JacksonException) t).getLocation();
                return api(ApiException.badRequest(at == null ? "Malformed JSON"
                        : "Malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()), request);
            }
        }
        return api(ApiException.badRequest("Request body is missing or is not valid JSON"), request);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<ErrorEnvelope> unsupportedType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        if (e.getSupportedMediaTypes().contains(MediaType.MULTIPART_FORM_DATA)) {
            return api(ApiException.ofStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be multipart/form-data"), request);
        }
        return api(ApiException.unsupportedMediaType(), request);
    }

    /** Mostly refused earlier by {@link AcceptFilter}; what is left (the actuator's own types) still gets the envelope. */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    public ResponseEntity<ErrorEnvelope> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
        return api(ApiException.notAcceptable(), request);
    }

    /**
     * The container could not parse the query string or a form body: a '%' without two hex digits,
     * escapes that are not UTF-8, too many parameters. No endpoint takes a form, so a form body is
     * refused as the wrong media type whatever else is wrong with it.
     */
    @ExceptionHandler(InvalidParameterException.class)
    public ResponseEntity<ErrorEnvelope> unparsableParameters(InvalidParameterException e, HttpServletRequest request) {
        if (e.getErrorCode() == HttpStatus.CONTENT_TOO_LARGE.value()) {
            return api(ApiException.ofStatus(HttpStatus.CONTENT_TOO_LARGE, "Request body is too large"), request);
        }
        if (isForm(request)) {
            return api(ApiException.unsupportedMediaType(), request);
        }
        return api(ApiException.badRequest("The query string is malformed: every '%' must start an escape of UTF-8 bytes (%XX)"), request);
    }

    /**
     * A multipart body that cannot be parsed (no boundary in the Content-Type, a broken body) or is over the
     * limits. Multipart requests are resolved lazily (soul-edge.properties), so a JSON endpoint refuses one
     * with 415 before it is ever parsed; this answers where something did try to read its parts.
     */
    @ExceptionHandler(MultipartException.class)
    public ResponseEntity<ErrorEnvelope> multipart(MultipartException e, HttpServletRequest request) {
        if (e instanceof MaxUploadSizeExceededException) {
            // the whole request is within its limit (BodyLimitFilter): a file is over the servlet's limit per file
            MultipartConfigElement limits = multipart.getIfAvailable();
            long limit = limits == null ? -1 : limits.getMaxFileSize();
            return api(limit > 0 ? ApiException.ofStatus(HttpStatus.CONTENT_TOO_LARGE, "A file may be at most " + limit + " bytes")
                            .withDetails(Map.of("limit_bytes", limit))
                    : ApiException.ofStatus(HttpStatus.CONTENT_TOO_LARGE, "Request body is too large"), request);
        }
        return api(ApiException.badRequest("Malformed multipart body"), request);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ResponseEntity<ErrorEnvelope> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        ApiException error = ApiException.ofStatus(HttpStatus.METHOD_NOT_ALLOWED, "Method " + e.getMethod() + " is not allowed here");
        if (e.getSupportedHttpMethods() != null) {
            error = error.withHeader(HttpHeaders.ALLOW, StringUtils.collectionToDelimitedString(e.getSupportedHttpMethods(), ", "));
        }
        return api(error, request);
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    public ResponseEntity<ErrorEnvelope> noRoute(HttpServletRequest request) {
        return api(ApiException.notFound("No route " + request.getMethod() + " " + request.getRequestURI()), request);
    }

    /** A query parameter or path variable that does not convert; a malformed id ({@link ResourceId}) is told as its 404. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public ResponseEntity<ErrorEnvelope> parameterType(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api(api, request);
            }
        }
        return api(ApiException.badRequest("Parameter " + e.getName() + " has the wrong type")
                .withDetails(Map.of("fields", Map.of(e.getName(), List.of("must be " + TypeErrors.simpleType(e.getRequiredType()))))), request);
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingRequestHeaderException.class})
    public ResponseEntity<ErrorEnvelope> missing(Exception e, HttpServletRequest request) {
        return api(ApiException.badRequest(e.getMessage()), request);
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ErrorEnvelope> unexpected(Exception e, HttpServletRequest request) {
        ApiException known = ErrorEnvelope.refusal(e);
        for (var translators = this.translators.orderedStream().iterator(); known == null && translators.hasNext(); ) {
            known = translators.next().translate(e);
        }
        if (known != null) {
            return api(known, request);
        }
        // the request line only: bodies and headers may carry personal data or keys
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return api(ApiException.ofStatus(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"), request);
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    /**
     * A handler that answered although its body had fields of the wrong type ({@link TypeErrors}): it ran on
     * what did bind and found nothing else wrong, so the answer is the 422 naming the type errors. (A command
     * it sent was refused after its checks, so nothing changed.)
     */
    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
                                  Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
                                  ServerHttpResponse response) {
        if (body instanceof ErrorEnvelope || !(request instanceof ServletServerHttpRequest servlet)) {
            return body;
        }
        Map<String, List<String>> types = TypeErrors.pending(servlet.getServletRequest());
        if (types == null) {
            return body;
        }
        ApiException error = TypeErrors.answer(types, null);
        response.setStatusCode(error.status());
        response.getHeaders().clear();
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return ErrorEnvelope.of(error);
    }

    private static boolean isForm(HttpServletRequest request) {
        try {
            return request.getContentType() != null
                    && MediaType.APPLICATION_FORM_URLENCODED.includes(MediaType.parseMediaType(request.getContentType()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
