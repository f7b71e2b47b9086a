package ai.soul.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * P4-search: {@code POST /v1/conversations/search} at a fixed rate, open loop (a query is sent when it
 * is due, whether the previous ones have answered or not, and its latency counts from when it was
 * due), cycling through a fixed set of queries (single words, phrases, prefixes, a filtered and a
 * date-sorted one) over the words of the synthetic history, from accounts that own many conversations.
 */
final class SearchLoad {

    static final List<Map<String, Object>> QUERIES = List.of(
            Map.of("query", "pricing"),
            Map.of("query", "invoice"),
            Map.of("query", "refund payment"),
            Map.of("query", "\"contract renewal\""),
            Map.of("query", "\"pricing sheet\""),
            Map.of("query", "pric*"),
            Map.of("query", "integr*"),
            Map.of("query", "onboarding OR migration", "sort", "created_at"),
            Map.of("query", "delivery", "filters", Map.of("date_from", "2020-01-01")),
            Map.of("query", "budget quarter", "per_page", 50));

    record Result(Histogram latency, long queries, long errors, double meanTotal) {
    }

    private SearchLoad() {
    }

    static Result run(Client client, List<Client.Account> accounts, double perSecond, Duration duration) {
        Histogram latency = Load.histogram();
        AtomicLong errors = new AtomicLong();
        AtomicLong totals = new AtomicLong();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long n = 0;
        for (long due = start; due < end; due += interval, n++) {
            LockSupport.parkNanos(due - System.nanoTime());
            Client.Account account = accounts.get((int) (n % accounts.size()));
            String body = Client.json(QUERIES.get((int) ((n / accounts.size()) % QUERIES.size())));
            long dueAt = due;
            pending.add(client.send("POST", "/v1/conversations/search", account.key, body).handle((r, failure) -> {
                latency.recordValue(Math.max(0, (System.nanoTime() - dueAt) / 1000));
                if (failure != null || !r.ok()) {
                    errors.incrementAndGet();
                } else {
                    totals.addAndGet(r.json().path("meta").path("total").asLong());
                }
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return new Result(latency, n, errors.get(), n == errors.get() ? 0 : (double) totals.get() / (n - errors.get()));
    }
}
