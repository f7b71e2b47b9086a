package ai.soul.edge;

import jakarta.servlet.Filter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;

/**
 * The edge's servlet filters, in the order a request passes them: each registration takes its order
 * from here ({@link #register}), so the order is read and changed in this one list.
 */
public enum EdgeFilters {

    /** First of all: everything after it, links included, sees the configured origin, not the client's Host. */
    PUBLIC_ORIGIN,
    /** Outermost of the rest, so every answer is metered, also those the filters after it give (406, 413, 401, 429). */
    USAGE_METERING,
    /** Before everything that works or counts: a request that cannot take its route's answer changes nothing. */
    ACCEPT,
    /** A body over the limit is refused before anyone reads it. */
    BODY_LIMIT,
    /** Finds the caller, refuses nothing itself. */
    API_KEY,
    /** After the caller is resolved, before a caller is required: refused credentials are limited per address. */
    RATE_LIMIT,
    /** After the rate limit (a refused request takes no slot), before the handler. */
    CONCURRENCY_LIMIT,
    /** A route's request without a caller is refused here; a path that is no route goes on to its 404. */
    AUTHENTICATION_REQUIRED,
    /** Last before the handler: only a request that would run keeps its answer for a repeat. */
    IDEMPOTENCY;

    /** Among the first filters of the container (Boot's own character-encoding filter shares the first place). */
    public int order() {
        return Ordered.HIGHEST_PRECEDENCE + ordinal();
    }

    public <F extends Filter> FilterRegistrationBean<F> register(F filter) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(order());
        return registration;
    }
}
