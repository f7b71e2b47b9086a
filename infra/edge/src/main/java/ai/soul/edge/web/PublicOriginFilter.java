package ai.soul.edge.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.net.URI;

/**
 * The scheme, host and port of every URL the API writes (links, {@code url}, {@code download_url},
 * {@code Location}) come from configuration ({@code soul.public-url}), never from the request's
 * {@code Host} header, which any client sets: an answer would otherwise carry links to a host of the
 * client's choosing (into caches, logs and other clients). Unset, the origin is
 * {@code http://localhost:<the port the request came in on>}, right for a local run.
 */
public class PublicOriginFilter extends OncePerRequestFilter {

    private final URI origin;

    /** @param publicUrl an absolute http(s) URL (its path is ignored), or blank */
    public PublicOriginFilter(String publicUrl) {
        if (publicUrl == null || publicUrl.isBlank()) {
            this.origin = null;
            return;
        }
        URI uri = URI.create(publicUrl.strip());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("soul.public-url must be an absolute http(s) URL, e.g. https://api.example.com");
        }
        this.origin = uri;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String scheme = origin == null ? "http" : origin.getScheme();
        String host = origin == null ? "localhost" : origin.getHost();
        int port = origin == null ? request.getLocalPort()
                : origin.getPort() >= 0 ? origin.getPort() : "https".equals(scheme) ? 443 : 80;
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getScheme() {
                return scheme;
            }

            @Override
            public String getServerName() {
                return host;
            }

            @Override
            public int getServerPort() {
                return port;
            }

            @Override
            public boolean isSecure() {
                return "https".equals(scheme);
            }

            @Override
            public StringBuffer getRequestURL() {
                StringBuffer url = new StringBuffer(scheme).append("://").append(host);
                if (!(("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443))) {
                    url.append(':').append(port);
                }
                return url.append(getRequestURI());
            }
        }, response);
    }
}
