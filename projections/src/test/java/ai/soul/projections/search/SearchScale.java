package ai.soul.projections.search;

import ai.soul.projections.History;
import ai.soul.projections.search.ConversationSearch.Request;
import ai.soul.projections.search.ConversationSearch.Sort;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.MessagePosted;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: a main that times searches of one account with 1,000 conversations in an index of
 * 100,000 (100 accounts), and prints the figures (CPU time of the thread). It keeps the index it builds (argument: its
 * directory, default /tmp/soul-search-scale) so that a second run compares code on the same index.
 * <pre>
 * ./mvnw -q -B -o -pl projections -am test-compile
 * java -cp "$(cat /tmp/cp.txt):projections/target/classes:projections/target/test-classes:schemas/target/classes" \
 *   ai.soul.projections.search.SearchScale /tmp/soul-search-scale
 * </pre>
 */
public final class SearchScale {

    private static final int ACCOUNTS = 100;
    private static final int PER_ACCOUNT = 1_000;
    private static final String TARGET = "acc_target";
    /** CPU time of the thread: on a shared machine it varies far less than the wall clock */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/soul-search-scale");
        boolean exists = Files.exists(dir.resolve("write.lock")) || (Files.isDirectory(dir) && Files.list(dir).findAny().isPresent());
        StringBuilder longest = new StringBuilder("w1");
        for (int i = 2; longest.length() < 490; i++) {
            longest.append(" OR w").append(i * 7);
        }
        String[] queries = {"w1", "w50", "w2000", "w30000", "w7 w90", "\"w1 w2\"", "w12*", "w123*", "w10* OR w11* OR w12*", "title:w3 OR w40",
                longest.toString()};
        try (SearchIndex index = new SearchIndex(dir)) {
            ConversationSearch search = new ConversationSearch(index);
            if (!exists) {
                build(index);
            }
            System.out.printf("search(), CPU µs%n%-20s %10s %10s %10s %8s%n", "query", "p50", "p90", "p99", "hits");
            for (String q : queries) {
                Request request = new Request(TARGET, q, null, null, List.of(), null, Sort.RELEVANCE, 1, 20);
                long total = 0;
                for (int i = 0; i < 200; i++) {
                    total = search.search(request).total(); // warm-up
                }
                long[] micros = new long[500];
                for (int i = 0; i < micros.length; i++) {
                    long started = CPU.getCurrentThreadCpuTime();
                    search.search(request);
                    micros[i] = (CPU.getCurrentThreadCpuTime() - started) / 1_000;
                }
                Arrays.sort(micros);
                System.out.printf("%-20s %10d %10d %10d %8d%n", label(q), micros[250], micros[450], micros[495], total);
            }
        }
        compare(dir, queries);
    }

    /**
     * The same queries (parsed as the index parses them, with the account filter) on one reader,
     * once with Lucene's own searcher (the statistics of the whole index, as before) and once with
     * {@link AccountSearcher}, alternating so that both see the same load; top 20 and a count.
     */
    private static void compare(Path dir, String[] queries) throws Exception {
        try (var directory = org.apache.lucene.store.FSDirectory.open(dir);
             var reader = org.apache.lucene.index.DirectoryReader.open(directory)) {
            System.out.printf("index: %,d documents in %d segments; the account has %,d%n", reader.numDocs(), reader.leaves().size(),
                    reader.docFreq(new org.apache.lucene.index.Term(SearchIndex.ACCOUNT, TARGET)));
            var account = new org.apache.lucene.index.Term(SearchIndex.ACCOUNT, TARGET);
            var counts = new AccountSearcher.AccountDocs();
            var parser = new org.apache.lucene.queryparser.classic.MultiFieldQueryParser(
                    new String[]{SearchIndex.TITLE, SearchIndex.TEXT},
                    new org.apache.lucene.analysis.en.EnglishAnalyzer(),
                    Map.of(SearchIndex.TITLE, 2.0f, SearchIndex.TEXT, 1.0f));
            parser.setDefaultOperator(org.apache.lucene.queryparser.classic.QueryParser.Operator.AND);
            System.out.printf("the query alone, CPU µs%n%-20s %-9s %8s %8s %8s | %-9s %8s %8s %8s%n", "query", "index", "p50", "p90", "p99",
                    "account", "p50", "p90", "p99");
            for (String q : queries) {
                var query = new org.apache.lucene.search.BooleanQuery.Builder()
                        .add(parser.parse(q), org.apache.lucene.search.BooleanClause.Occur.MUST)
                        .add(new org.apache.lucene.search.TermQuery(account), org.apache.lucene.search.BooleanClause.Occur.FILTER)
                        .build();
                int runs = 600;
                long[] index = new long[runs];
                long[] own = new long[runs];
                for (int i = -200; i < runs; i++) {
                    long started = CPU.getCurrentThreadCpuTime();
                    var plain = new org.apache.lucene.search.IndexSearcher(reader);
                    plain.search(query, 20);
                    long middle = CPU.getCurrentThreadCpuTime();
                    var mine = new AccountSearcher(reader, TARGET, counts);
                    mine.search(query, 20);
                    long ended = CPU.getCurrentThreadCpuTime();
                    if (i >= 0) {
                        index[i] = (middle - started) / 1_000;
                        own[i] = (ended - middle) / 1_000;
                    }
                }
                Arrays.sort(index);
                Arrays.sort(own);
                System.out.printf("%-20s %-9s %8d %8d %8d | %-9s %8d %8d %8d%n", label(q), "", index[runs / 2], index[runs * 9 / 10],
                        index[runs * 99 / 100], "", own[runs / 2], own[runs * 9 / 10], own[runs * 99 / 100]);
            }
        }
    }

    private static String label(String query) {
        return query.length() <= 20 ? query : query.substring(0, 12) + "… (" + query.length() + ")";
    }

    /** 100 accounts of 1,000 conversations, words drawn from a Zipf-like vocabulary of 50,000 ("w1" most frequent). */
    private static void build(SearchIndex index) {
        ConversationIndexer indexer = new ConversationIndexer(index);
        Random random = new Random(42);
        double[] cumulative = new double[50_000];
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        History history = new History(Instant.parse("2025-01-01T00:00:00Z"));
        long offset = 0;
        for (int n = 0; n < ACCOUNTS * PER_ACCOUNT; n++) {
            String account = n % ACCOUNTS == 0 ? TARGET : "acc_" + (n % ACCOUNTS);
            String id = "conv_" + n;
            history.add(id, new ConversationCreated(id, account, words(random, cumulative, sum, 6),
                    words(random, cumulative, sum, 60), "api", Map.of(), null, null, null));
            for (int m = 0; m < 3; m++) {
                history.add(id, new MessagePosted(id, account, "msg_" + n + "_" + m, m, "user", words(random, cumulative, sum, 25)));
            }
            if ((n + 1) % 1_000 == 0) {
                List<PublishedEvent<?>> batch = history.events();
                indexer.apply(batch);
                index.offsets().store("soul.events", Map.of(0, offset += batch.size()));
                history = new History(batch.get(batch.size() - 1).time());
            }
        }
    }

    private static String words(Random random, double[] cumulative, double sum, int count) {
        List<String> words = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            words.add("w" + ((at < 0 ? -at - 1 : at) + 1));
        }
        return String.join(" ", words);
    }
}
