package ai.soul.edge.usage;

import ai.soul.edge.auth.Caller;
import ai.soul.schemas.usage.MeteredRequest;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Meters every request: once the answer is complete, who asked (account and key, when known), the
 * route template, the status, the bytes in and out and the time taken, handed to {@code sink} (the
 * usage topic, sent off the request thread). Outermost of the filters, so what they refuse (406,
 * 413, 401, 429) is metered too. A request refused before a handler was picked has no template yet;
 * the route is then looked up in the handler mapping (no handler runs), else it is {@value #UNMATCHED}.
 */
public class UsageMeteringFilter extends OncePerRequestFilter {

    /** The route of a request that matches none (an unknown path, a method the path does not take). */
    public static final String UNMATCHED = "(unmatched)";

    private final Consumer<MeteredRequest> sink;
    private final ObjectProvider<RequestMappingHandlerMapping> mappings;

    public UsageMeteringFilter(Consumer<MeteredRequest> sink, ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.sink = sink;
        this.mappings = mappings;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Instant at = Instant.now();
        long start = System.nanoTime();
        CountingResponse counted = new CountingResponse(response);
        boolean failed = true;
        try {
            chain.doFilter(request, counted);
            failed = false;
        } finally {
            if (!failed && request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        meter(request, counted, at, start, false);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            } else {
                meter(request, counted, at, start, failed);
            }
        }
    }

    private void meter(HttpServletRequest request, CountingResponse response, Instant at, long start, boolean failed) {
        try {
            String account = Caller.of(request).map(Caller::accountId).orElse(null);
            String key = Caller.of(request).map(Caller::keyId).orElse(null);
            long requestBytes = Math.max(0, request.getContentLengthLong());
            // an exception that escaped every handler becomes a 500 once it leaves the filters
            int status = failed ? 500 : response.getStatus();
            sink.accept(new MeteredRequest(account, key, request.getMethod(), route(request), status, requestBytes,
                    response.bytes, at, (System.nanoTime() - start) / 1_000_000));
        } catch (RuntimeException e) {
            logger.warn("A request could not be metered: " + e);
        }
    }

    private String route(HttpServletRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (pattern == null) {
            RequestMappingHandlerMapping mapping = mappings.getIfAvailable();
            try {
                if (mapping != null && mapping.getHandler(request) != null) {
                    pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                }
            } catch (Exception e) {
                // no handler takes it as it came (method, media type): unmatched
            }
        }
        return pattern == null ? UNMATCHED : pattern.toString();
    }

    /** Counts the bytes of the body as the application writes them, without holding any. */
    static final class CountingResponse extends HttpServletResponseWrapper {

        long bytes;
        private ServletOutputStream stream;
        private PrintWriter writer;

        CountingResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream out = super.getOutputStream();
                stream = new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        bytes++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        bytes += len;
                    }

                    @Override
                    public void flush() throws IOException {
                        out.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        out.close();
                    }

                    @Override
                    public boolean isReady() {
                        return out.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        out.setWriteListener(listener);
                    }
                };
            }
            return stream;
        }

        /** Rarely used (JSON goes through the stream); counts the encoded length of what is written. */
        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                PrintWriter out = super.getWriter();
                Charset charset = Charset.forName(getCharacterEncoding());
                writer = new PrintWriter(new Writer() {
                    @Override
                    public void write(char[] chars, int off, int len) {
                        out.write(chars, off, len);
                        bytes += new String(chars, off, len).getBytes(charset).length;
                    }

                    @Override
                    public void flush() {
                        out.flush();
                    }

                    @Override
                    public void close() {
                        out.close();
                    }
                });
            }
            return writer;
        }
    }
}
