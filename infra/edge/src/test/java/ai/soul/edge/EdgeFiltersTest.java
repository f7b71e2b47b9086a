package ai.soul.edge;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The filters' order is the order of one list, by name. */
class EdgeFiltersTest {

    @Test
    void eachFilterIsRegisteredInTheOrderOfTheList() {
        Filter filter = (request, response, chain) -> chain.doFilter(request, response);
        Integer previous = null;
        for (EdgeFilters each : EdgeFilters.values()) {
            int order = each.register(filter).getOrder();
            assertThat(order).isEqualTo(each.order());
            if (previous != null) {
                assertThat(order).isGreaterThan(previous);
            }
            previous = order;
        }
    }

    @Test
    void aRequestIsJudgedBeforeItIsCountedAndCountedBeforeItIsRun() {
        assertThat(Arrays.asList(EdgeFilters.values())).containsExactly(EdgeFilters.PUBLIC_ORIGIN, EdgeFilters.USAGE_METERING,
                EdgeFilters.ACCEPT, EdgeFilters.BODY_LIMIT, EdgeFilters.API_KEY, EdgeFilters.RATE_LIMIT,
                EdgeFilters.CONCURRENCY_LIMIT, EdgeFilters.AUTHENTICATION_REQUIRED, EdgeFilters.IDEMPOTENCY);
    }
}
