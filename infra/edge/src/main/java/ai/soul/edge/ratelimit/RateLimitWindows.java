package ai.soul.edge.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How long the "minute", "hour" and "day" windows of the limits really are
 * ({@code soul.rate-limits.windows.*}; 1m, 1h, 1d unless set). Tests shorten them to see a window end;
 * each length must divide a day, so that windows start at whole multiples of it (UTC).
 */
@ConfigurationProperties("soul.rate-limits.windows")
public record RateLimitWindows(Duration minute, Duration hour, Duration day) {

    public RateLimitWindows {
        for (Duration window : new Duration[]{minute, hour, day}) {
            if (window == null || window.toMillis() <= 0 || Duration.ofDays(1).toMillis() % window.toMillis() != 0) {
                throw new IllegalArgumentException("soul.rate-limits.windows: each window must divide a day, not " + window);
            }
        }
    }
}
