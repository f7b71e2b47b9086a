package ai.soul.edge.ratelimit;

import ai.soul.edge.auth.Caller;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests of one account beyond the limit, all running at once, are refused; another account's are not; slots come back. */
class ConcurrencyLimitFilterTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void oneAccountHoldsAtMostItsLimitOfRequestsAndNeverAnothersSlots() throws Exception {
        ConcurrencyLimitFilter filter = new ConcurrencyLimitFilter(3);
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        FilterChain slow = (request, response) -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<Future<MockHttpServletResponse>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(pool.submit(() -> call(filter, "usr_noisy", slow)));
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = call(filter, "usr_noisy", (request, response) -> { });
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).contains("\"code\":\"rate_limited\"", "at most 3");
        assertThat(call(filter, "usr_quiet", (request, response) -> ((jakarta.servlet.http.HttpServletResponse) response).setStatus(200))
                .getStatus()).isEqualTo(200);

        release.countDown();
        for (Future<MockHttpServletResponse> f : running) {
            assertThat(f.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        }
        assertThat(call(filter, "usr_noisy", (request, response) -> { }).getStatus()).isEqualTo(200);
    }

    private static MockHttpServletResponse call(ConcurrencyLimitFilter filter, String account, FilterChain chain) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/conversations");
        request.setAttribute(Caller.class.getName(), new Caller(account, "free", "key_1"));
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, chain);
        return response;
    }
}
