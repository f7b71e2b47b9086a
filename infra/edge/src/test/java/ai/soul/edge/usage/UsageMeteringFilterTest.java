package ai.soul.edge.usage;

import ai.soul.schemas.usage.MeteredRequest;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.StaticWebApplicationContext;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the filter records: the route template even of a request refused before any handler ran, the status, the bytes. */
class UsageMeteringFilterTest {

    @RestController
    static class Things {
        @GetMapping("/v1/things/{id}")
        String thing(@PathVariable String id) {
            return id;
        }
    }

    private final List<MeteredRequest> records = new ArrayList<>();
    private UsageMeteringFilter filter;

    @BeforeEach
    void setUp() {
        var context = new StaticWebApplicationContext();
        context.registerSingleton("things", Things.class);
        context.refresh();
        var mapping = new RequestMappingHandlerMapping();
        mapping.setApplicationContext(context);
        mapping.afterPropertiesSet();
        filter = new UsageMeteringFilter(records::add,
                new StaticListableBeanFactory(Map.of("mapping", mapping)).getBeanProvider(RequestMappingHandlerMapping.class));
    }

    /** A filter further in that refuses with a status and a body, before any handler. */
    static HttpServlet refusing(int status, String body) {
        return new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setStatus(status);
                response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    MeteredRequest meter(String method, String uri, HttpServlet inner) throws Exception {
        var request = new MockHttpServletRequest(method, uri);
        request.setContent("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain(inner));
        return records.get(records.size() - 1);
    }

    @Test
    void aRefusedRequestGetsTheTemplateOfTheRouteItAskedFor() throws Exception {
        MeteredRequest r = meter("GET", "/v1/things/thing_123", refusing(429, "{\"error\":{}}"));
        assertThat(r.route()).isEqualTo("/v1/things/{id}");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.requestBytes()).isEqualTo(7);
        assertThat(r.responseBytes()).isEqualTo(12);
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.accountId()).isNull();
    }

    @Test
    void aRouteNoHandlerTakesIsUnmatched() throws Exception {
        assertThat(meter("GET", "/v1/nothing/here", refusing(404, "{}")).route()).isEqualTo(UsageMeteringFilter.UNMATCHED);
        assertThat(meter("DELETE", "/v1/things/thing_123", refusing(405, "{}")).route()).isEqualTo(UsageMeteringFilter.UNMATCHED);
    }

    @Test
    void aHandledRequestKeepsTheTemplateSpringMatched() throws Exception {
        MeteredRequest r = meter("GET", "/v1/things/thing_123", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/v1/things/{id}");
                response.getWriter().write("thing_é");
            }
        });
        assertThat(r.route()).isEqualTo("/v1/things/{id}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.responseBytes()).isEqualTo("thing_é".getBytes(StandardCharsets.ISO_8859_1).length);
    }
}
