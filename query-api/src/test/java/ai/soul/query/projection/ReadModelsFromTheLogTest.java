package ai.soul.query.projection;

import ai.soul.embedded.EmbeddedKafkaBroker;
import ai.soul.embedded.EmbeddedMongoServer;
import ai.soul.edge.Ids;
import ai.soul.edge.auth.ApiKeys;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.events.EventJson;
import ai.soul.projections.ProjectionOffsets;
import ai.soul.projections.Projector;
import ai.soul.projections.search.ConversationIndexer;
import ai.soul.schemas.PublishedEvent;
import ai.soul.query.QueryApiApplication;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.ConversationDeleted;
import ai.soul.schemas.conversation.ConversationUpdated;
import ai.soul.schemas.conversation.MessagePosted;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The read side as it runs: query-api on a real Kafka broker and the embedded MongoDB server. Where
 * the projection resumes comes from the offsets stored with the read models, never from Kafka's
 * committed offsets; a rebuild over the actuator endpoint builds the same read models again.
 * Every test has its own topic, database and consumer group on one broker and one server.
 */
class ReadModelsFromTheLogTest {

    private static final List<String> READ_MODELS = List.of("accounts", "api_keys", "conversations", "messages");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger RUNS = new AtomicInteger();

    @TempDir
    static Path data;
    static EmbeddedKafkaBroker broker;
    static EmbeddedMongoServer mongoServer;
    static MongoClient mongo;
    static Admin admin;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void startInfrastructure() {
        broker = EmbeddedKafkaBroker.start(data.resolve("kafka"));
        mongoServer = EmbeddedMongoServer.start(data.resolve("mongo"));
        mongo = MongoClients.create(mongoServer.connectionString());
        admin = Admin.create(broker.clientConfig());
        Map<String, Object> producerConfig = new HashMap<>(broker.clientConfig());
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopInfrastructure() {
        if (producer != null) producer.close();
        if (admin != null) admin.close();
        if (mongo != null) mongo.close();
        if (mongoServer != null) mongoServer.close();
        if (broker != null) broker.close();
    }

    /** One test's topic, database and group, and the apps it starts on them, one at a time. */
    private static final class Run {
        final String topic;
        final String database;
        final String group;
        final History history = new History();
        ConfigurableApplicationContext app;

        Run() throws Exception {
            int n = RUNS.incrementAndGet();
            topic = "events-" + n;
            database = "read_models_" + n;
            group = "read-models-" + n;
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        MongoDatabase db() {
            return mongo.getDatabase(database);
        }

        void start(String... more) {
            start(List.of(), more);
        }

        /** With more bean definitions ({@code @Configuration} classes) than the app's own. */
        void start(List<Class<?>> sources, String... more) {
            List<String> args = new ArrayList<>(List.of(
                    "--server.port=0",
                    "--spring.main.banner-mode=off",
                    "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--spring.kafka.security.protocol=" + broker.clientConfig().get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG),
                    "--spring.kafka.properties.sasl.mechanism=" + broker.clientConfig().get(SaslConfigs.SASL_MECHANISM),
                    "--spring.kafka.properties.sasl.jaas.config=" + broker.clientConfig().get(SaslConfigs.SASL_JAAS_CONFIG),
                    "--spring.mongodb.uri=" + mongoServer.connectionString(),
                    "--soul.mongodb.database=" + database,
                    "--soul.kafka.topic=" + topic,
                    "--soul.projections.read-models.group=" + group,
                    "--soul.projections.instance-id=" + group + "-instance",
                    "--soul.projections.search.group=search-" + group,
                    "--soul.projections.usage-events.group=usage-" + group,
                    "--soul.search.directory=" + data.resolve("search-" + group)));
            args.addAll(List.of(more));
            app = new SpringApplicationBuilder(QueryApiApplication.class).sources(sources.toArray(Class<?>[]::new))
                    .run(args.toArray(String[]::new));
        }

        void stop() {
            app.close();
            app = null;
        }

        ProjectionProgress progress() {
            return progress(Projector.READ_MODELS);
        }

        ProjectionProgress progress(String projection) {
            return app.getBean(ProjectionRuntime.class).runners().get(projection).progress();
        }

        void awaitApplied(long records) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> progress().applied() >= records);
            assertThat(progress().applied()).isEqualTo(records);
        }

        int send(List<History.Event> events) throws Exception {
            for (History.Event event : events) {
                producer.send(new ProducerRecord<>(topic, event.subject(), event.record())).get(10, TimeUnit.SECONDS);
            }
            return events.size();
        }

        String url(String path) {
            return "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort() + path;
        }

        Map<TopicPartition, Long> endOffsets() throws Exception {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (int p = 0; p < 4; p++) partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
            // ids are random, so a partition may get no record; nothing is stored or committed for it
            return admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getValue().offset() > 0)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }

        /** What the read models hold; a partition is absent when nothing is stored for it. */
        Map<TopicPartition, Long> storedOffsets() {
            Map<Integer, Long> stored = new ProjectionOffsets(db(), group).load(topic, List.of(0, 1, 2, 3));
            return stored.entrySet().stream().collect(Collectors.toMap(e -> new TopicPartition(topic, e.getKey()), Map.Entry::getValue));
        }

        Map<TopicPartition, Long> kafkaCommittedOffsets() throws Exception {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .entrySet().stream().filter(e -> e.getValue().offset() > 0)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    /** A log of the services' events with their per-subject sequence numbers, as CloudEvents records. */
    private static final class History {
        record Event(String subject, byte[] record) {
        }

        private final CloudEventCodec codec = new CloudEventCodec(EventJson.mapper(), "urn:soul:test");
        private final Map<String, Long> sequences = new HashMap<>();
        private final Map<String, Integer> messageCounts = new HashMap<>();
        final Map<String, String> owners = new HashMap<>();
        private Instant clock = Instant.parse("2025-06-01T08:00:00Z");

        Event add(String subject, Object data) {
            long sequence = sequences.merge(subject, 0L, (last, zero) -> last + 1);
            clock = clock.plusMillis(1_250);
            return new Event(subject, codec.encode(Ids.next("evt"), subject, sequence, clock, data));
        }

        Event message(String conversation, String account, String content) {
            int index = messageCounts.merge(conversation, 0, (last, zero) -> last + 1);
            return add(conversation, new MessagePosted(conversation, account, Ids.next("msg"), index,
                    index % 2 == 0 ? "user" : "agent", content));
        }
    }

    /** {@code count} new conversations of the accounts, then messages and updates on these and earlier ones. */
    private static List<History.Event> someHistory(History history, Random random, List<String> accounts, List<String> conversations,
                                                   int count) {
        List<History.Event> events = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            String conversation = Ids.next("conv");
            conversations.add(conversation);
            history.owners.put(conversation, account);
            events.add(history.add(conversation, new ConversationCreated(conversation, account, "Conversation " + c, "about " + c,
                    List.of("api", "email", "whatsapp").get(c % 3), Map.of("n", c), null, null, null)));
        }
        for (int i = 0; i < count * 8; i++) {
            String conversation = conversations.get(random.nextInt(conversations.size()));
            String account = history.owners.get(conversation);
            if (i % 23 == 5) {
                events.add(history.add(conversation, new ConversationUpdated(conversation, account, "Renamed " + i, null,
                        Map.of("step", i), null, "llm-" + i, null)));
            } else {
                events.add(history.message(conversation, account, "message " + i));
            }
        }
        return events;
    }

    private static List<History.Event> accounts(History history, List<String> accounts, Map<String, String> keys) {
        List<History.Event> events = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            String account = Ids.next("usr");
            String key = ApiKeys.generate();
            accounts.add(account);
            keys.put(account, key);
            events.add(history.add(account, new AccountRegistered(account, "user" + a + "@example.com", "$2a$12$hash", null, null, "free")));
            events.add(history.add(account, new ApiKeyIssued(account, Ids.next("key"), ApiKeys.prefixOf(key), ApiKeys.hash(key))));
        }
        return events;
    }

    private static Map<String, List<Document>> readModels(MongoDatabase db) {
        Map<String, List<Document>> all = new LinkedHashMap<>();
        for (String collection : READ_MODELS) {
            all.put(collection, db.getCollection(collection).find().sort(Sorts.ascending("_id")).into(new ArrayList<>()));
        }
        return all;
    }

    private static Map<String, List<Document>> dump(MongoDatabase db) {
        Map<String, List<Document>> all = readModels(db);
        all.put(ProjectionOffsets.COLLECTION, db.getCollection(ProjectionOffsets.COLLECTION).find().into(new ArrayList<>()));
        return all;
    }

    /** Puts the database back as it was at the dump, as a crash that lost the writes since would. */
    private static void restore(MongoDatabase db, Map<String, List<Document>> dump) {
        dump.forEach((collection, documents) -> {
            db.getCollection(collection).deleteMany(new Document());
            if (!documents.isEmpty()) {
                db.getCollection(collection).insertMany(documents);
            }
        });
    }

    private static HttpResponse<String> http(String method, String url, String contentType, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) request.header("Content-Type", contentType);
        if (key != null) request.header("X-API-Key", key);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void aRestartResumesAtTheStoredOffsetsEvenWhenKafkasCommittedOffsetsAreAhead() throws Exception {
        Run run = new Run();
        Random random = new Random(1);
        List<String> accounts = new ArrayList<>();
        Map<String, String> keys = new HashMap<>();
        List<String> conversations = new ArrayList<>();
        List<History.Event> first = new ArrayList<>(accounts(run.history, accounts, keys));
        first.addAll(someHistory(run.history, random, accounts, conversations, 12));

        run.start();
        int sent = run.send(first);
        run.awaitApplied(sent);
        assertThat(run.storedOffsets()).isEqualTo(run.endOffsets());
        Map<String, List<Document>> snapshot = dump(run.db());

        // more of the same conversations, new ones, and deletions
        List<History.Event> second = new ArrayList<>(someHistory(run.history, random, accounts, conversations, 4));
        second.add(run.history.add(conversations.get(0), new ConversationDeleted(conversations.get(0), run.history.owners.get(conversations.get(0)))));
        second.add(run.history.add(conversations.get(13), new ConversationDeleted(conversations.get(13), run.history.owners.get(conversations.get(13)))));
        int more = run.send(second);
        run.awaitApplied(sent + more);
        Map<String, List<Document>> reference = readModels(run.db());
        assertThat(run.storedOffsets()).isEqualTo(run.endOffsets());
        // the endpoint is not exposed unless configured
        assertThat(http("GET", run.url("/actuator/projections"), null, null, null).statusCode()).isEqualTo(404);
        run.stop();

        // Kafka has every offset committed; the database loses what was written after the snapshot
        assertThat(run.kafkaCommittedOffsets()).isEqualTo(run.endOffsets());
        restore(run.db(), snapshot);
        assertThat(readModels(run.db())).isNotEqualTo(reference);

        run.start();
        run.awaitApplied(more);
        await().atMost(Duration.ofSeconds(30)).until(() -> readModels(run.db()).equals(reference));
        // exactly the records after the stored offsets, and nothing more afterwards
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> run.progress().applied() == more);
        assertThat(run.storedOffsets()).isEqualTo(run.endOffsets());

        // and the API reads the rebuilt messages page by page
        String conversation = conversations.get(1);
        Document doc = run.db().getCollection("conversations").find(Filters.eq("_id", conversation)).first();
        String key = keys.get(doc.getString("account_id"));
        int count = doc.getInteger("message_count");
        assertThat(count).isGreaterThan(3);
        List<String> ids = new ArrayList<>();
        for (int page = 1; page <= (count + 2) / 3 + 1; page++) {
            JsonNode body = json(http("GET", run.url("/v1/conversations/" + conversation + "/messages?per_page=3&page=" + page),
                    null, null, key));
            assertThat(body.get("meta").get("total").asLong()).isEqualTo(count);
            body.get("data").forEach(message -> {
                assertThat(message.get("id").asString()).startsWith("msg_");
                assertThat(message.get("index").asInt()).isEqualTo(ids.size());
                ids.add(message.get("id").asString());
            });
        }
        assertThat(ids).hasSize(count).doesNotHaveDuplicates();
        run.stop();
    }

    @Test
    void aPartitionWithoutAStoredOffsetIsReadFromItsBeginning() throws Exception {
        Run run = new Run();
        List<String> accounts = new ArrayList<>();
        List<History.Event> events = new ArrayList<>(accounts(run.history, accounts, new HashMap<>()));
        events.addAll(someHistory(run.history, new Random(2), accounts, new ArrayList<>(), 10));
        run.start();
        int sent = run.send(events);
        run.awaitApplied(sent);
        Map<String, List<Document>> reference = readModels(run.db());
        Map<TopicPartition, Long> ends = run.endOffsets();
        run.stop();
        assertThat(run.kafkaCommittedOffsets()).isEqualTo(ends);

        // one partition's offset is missing: that partition, and only it, is read again
        TopicPartition busiest = ends.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        run.db().getCollection(ProjectionOffsets.COLLECTION)
                .deleteOne(Filters.eq("_id", ProjectionOffsets.id(run.group, run.topic, busiest.partition())));
        run.start();
        run.awaitApplied(ends.get(busiest));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> run.progress().applied() == ends.get(busiest).longValue());
        assertThat(readModels(run.db())).isEqualTo(reference);
        assertThat(run.storedOffsets()).isEqualTo(ends);
        run.stop();

        // nothing at all stored (a new database): everything from the beginning, whatever Kafka has committed
        run.db().drop();
        run.start();
        run.awaitApplied(sent);
        assertThat(readModels(run.db())).isEqualTo(reference);
        assertThat(run.storedOffsets()).isEqualTo(ends);
        run.stop();
    }

    @Test
    void aRebuildOverTheActuatorEndpointBuildsTheSameReadModels() throws Exception {
        Run run = new Run();
        List<String> accounts = new ArrayList<>();
        List<String> conversations = new ArrayList<>();
        List<History.Event> events = new ArrayList<>(accounts(run.history, accounts, new HashMap<>()));
        events.addAll(someHistory(run.history, new Random(3), accounts, conversations, 15));
        events.add(run.history.add(conversations.get(2), new ConversationDeleted(conversations.get(2), run.history.owners.get(conversations.get(2)))));
        run.start("--management.endpoints.web.exposure.include=health,projections");
        int n = run.send(events);
        run.awaitApplied(n);
        Map<String, List<Document>> reference = readModels(run.db());
        String endpoint = run.url("/actuator/projections");

        JsonNode live = json(http("GET", endpoint, null, null, null));
        assertThat(live.propertyNames()).containsExactly("state", "events_applied", "parked_events", "rebuild");
        assertThat(live.get("state").asString()).isEqualTo("live");
        assertThat(live.get("parked_events").asLong()).isZero();
        assertThat(live.get("events_applied").asLong()).isEqualTo(n);
        assertThat(live.get("rebuild").isNull()).isTrue();

        HttpResponse<String> started = http("POST", endpoint, "application/json", "{}", null);
        assertThat(started.statusCode()).isEqualTo(200);
        JsonNode rebuild = json(started).get("rebuild");
        assertThat(rebuild.propertyNames()).containsExactly("started_at", "finished_at", "target_events", "events_applied", "events_per_s");
        assertThat(rebuild.get("target_events").asLong()).isEqualTo(n);
        assertThat(Instant.parse(rebuild.get("started_at").asString())).isBefore(Instant.now().plusSeconds(1));

        JsonNode finished = awaitRebuilt(endpoint);
        assertThat(finished.get("state").asString()).isEqualTo("live");
        assertThat(finished.get("events_applied").asLong()).isEqualTo(2L * n);
        assertThat(finished.get("rebuild").get("target_events").asLong()).isEqualTo(n);
        assertThat(finished.get("rebuild").get("events_applied").asLong()).isEqualTo(n);
        assertThat(finished.get("rebuild").get("events_per_s").asDouble()).isPositive();
        assertThat(Instant.parse(finished.get("rebuild").get("finished_at").asString()))
                .isAfterOrEqualTo(Instant.parse(finished.get("rebuild").get("started_at").asString()));
        assertThat(readModels(run.db())).isEqualTo(reference);
        assertThat(run.storedOffsets()).isEqualTo(run.endOffsets());
        // the figures of a finished rebuild stay as they were
        JsonNode figures = finished.get("rebuild");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
                .until(() -> json(http("GET", endpoint, null, null, null)).get("rebuild").equals(figures));

        // again, with an empty body, after more events
        List<History.Event> more = someHistory(run.history, new Random(4), accounts, conversations, 2);
        int m = run.send(more);
        run.awaitApplied(2L * n + m);
        reference = readModels(run.db());
        assertThat(http("POST", endpoint, null, null, null).statusCode()).isEqualTo(200);
        finished = awaitRebuilt(endpoint);
        assertThat(finished.get("rebuild").get("target_events").asLong()).isEqualTo(n + m);
        assertThat(finished.get("rebuild").get("events_applied").asLong()).isEqualTo(n + m);
        assertThat(finished.get("events_applied").asLong()).isEqualTo(3L * n + 2L * m);
        assertThat(readModels(run.db())).isEqualTo(reference);
        run.stop();
    }

    /** A projection of its own, declared by a test as a bean and nowhere else: it counts the events it is given. */
    static class Tally implements Projector {
        final List<String> applied = new CopyOnWriteArrayList<>();
        final AtomicInteger prepared = new AtomicInteger();
        final AtomicInteger resets = new AtomicInteger();

        @Override
        public String projection() {
            return "tally";
        }

        /** no request waits for it */
        @Override
        public boolean background() {
            return true;
        }

        @Override
        public void prepare() {
            prepared.incrementAndGet();
        }

        @Override
        public void apply(List<PublishedEvent<?>> batch) {
            batch.forEach(event -> applied.add(event.id()));
        }

        @Override
        public void reset() {
            applied.clear();
            resets.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WithTally {
        @Bean
        Tally tally() {
            return new Tally();
        }
    }

    /** A second projection reads would wait for: read-your-writes follows one, so the runtime refuses it. */
    @Configuration(proxyBeanMethods = false)
    static class WithAWaitedForTally {
        @Bean
        Tally tally() {
            return new Tally() {
                @Override
                public boolean background() {
                    return false;
                }
            };
        }
    }

    @Test
    void aProjectorBeanIsRunAndRebuiltByTheRuntimeWithoutAnyConfiguration() throws Exception {
        Run run = new Run();
        List<String> accounts = new ArrayList<>();
        List<History.Event> events = new ArrayList<>(accounts(run.history, accounts, new HashMap<>()));
        events.addAll(someHistory(run.history, new Random(5), accounts, new ArrayList<>(), 5));
        assertThatThrownBy(() -> run.start(List.of(WithAWaitedForTally.class)))
                .rootCause().hasMessageContaining("Reads can wait for one projection only; all but one of [read-models, tally]");
        run.start(List.of(WithTally.class), "--management.endpoints.web.exposure.include=health,projections");
        int n = run.send(events);
        Tally tally = run.app.getBean(Tally.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> tally.applied.size() == n);
        run.awaitApplied(n);
        assertThat(tally.prepared).hasValue(1);
        assertThat(Set.copyOf(tally.applied)).hasSize(n);
        // its offsets are stored like any projection's, in a group named after it
        Map<TopicPartition, Long> ends = run.endOffsets();
        await().atMost(Duration.ofSeconds(10)).until(() -> new ProjectionOffsets(run.db(), "tally").load(run.topic, List.of(0, 1, 2, 3))
                .entrySet().stream().collect(Collectors.toMap(e -> new TopicPartition(run.topic, e.getKey()), Map.Entry::getValue)).equals(ends));

        // the operator endpoint knows it by its name, and rebuilds it alone
        String endpoint = run.url("/actuator/projections/tally");
        JsonNode live = json(http("GET", endpoint, null, null, null));
        assertThat(live.get("state").asString()).isEqualTo("live");
        assertThat(live.get("events_applied").asLong()).isEqualTo(n);
        assertThat(http("POST", endpoint, "application/json", "{}", null).statusCode()).isEqualTo(200);
        JsonNode finished = awaitRebuilt(endpoint);
        assertThat(finished.get("rebuild").get("target_events").asLong()).isEqualTo(n);
        assertThat(finished.get("rebuild").get("events_applied").asLong()).isEqualTo(n);
        assertThat(tally.resets).hasValue(1);
        assertThat(tally.applied).hasSize(n);
        assertThat(json(http("GET", run.url("/actuator/projections"), null, null, null)).get("rebuild").isNull()).isTrue();
        assertThat(run.progress().applied()).isEqualTo(n);
        run.stop();
    }

    @Test
    void theSearchIndexParksWhatItCannotReadAndIsRebuiltLikeEveryProjection() throws Exception {
        Run run = new Run();
        List<String> accounts = new ArrayList<>();
        Map<String, String> keys = new HashMap<>();
        List<String> conversations = new ArrayList<>();
        List<History.Event> events = new ArrayList<>(accounts(run.history, accounts, keys));
        events.addAll(someHistory(run.history, new Random(6), accounts, conversations, 8));
        run.start("--management.endpoints.web.exposure.include=health,projections,parked-events");
        int n = run.send(events);
        producer.send(new ProducerRecord<>(run.topic, "conv_garbage", new byte[]{'{', 0x01, (byte) 0xFF})).get(10, TimeUnit.SECONDS);
        long records = n + 1;
        await().atMost(Duration.ofSeconds(60)).until(() -> run.progress(ConversationIndexer.SEARCH).applied() >= records);

        JsonNode parked = json(http("GET", run.url("/actuator/parked-events/search"), null, null, null));
        assertThat(parked.get("total").asLong()).isEqualTo(1);
        JsonNode garbage = parked.get("events").get(0);
        assertThat(garbage.get("projection").asString()).isEqualTo("search");
        assertThat(garbage.get("subject").asString()).isEqualTo("conv_garbage");
        assertThat(garbage.get("first").asBoolean()).isTrue();
        assertThat(json(http("GET", run.url("/actuator/health"), null, null, null)).at("/components/projections/status").asString())
                .isEqualTo("DEGRADED");

        String account = accounts.get(0);
        Set<String> owned = conversations.stream().filter(c -> run.history.owners.get(c).equals(account)).collect(Collectors.toSet());
        assertThat(owned).isNotEmpty();
        String query = "{\"query\": \"about\", \"per_page\": 100}";
        assertThat(searchIds(run, keys.get(account), query)).isEqualTo(owned);

        // rebuilt through the same endpoint as every projection: the index again, and the unreadable record parked again, once
        String endpoint = run.url("/actuator/projections/search");
        assertThat(http("POST", endpoint, "application/json", "{}", null).statusCode()).isEqualTo(200);
        JsonNode finished = awaitRebuilt(endpoint);
        assertThat(finished.get("rebuild").get("target_events").asLong()).isEqualTo(records);
        assertThat(searchIds(run, keys.get(account), query)).isEqualTo(owned);
        JsonNode again = json(http("GET", run.url("/actuator/parked-events/search"), null, null, null));
        assertThat(again.get("total").asLong()).isEqualTo(1);
        assertThat(again.get("events").get(0).get("offset").asLong()).isEqualTo(garbage.get("offset").asLong());
        // the read models were left alone
        assertThat(json(http("GET", run.url("/actuator/projections/read-models"), null, null, null)).get("rebuild").isNull()).isTrue();
        run.stop();
    }

    private static Set<String> searchIds(Run run, String key, String body) throws Exception {
        HttpResponse<String> response = http("POST", run.url("/v1/conversations/search"), "application/json", body, key);
        assertThat(response.statusCode()).isEqualTo(200);
        Set<String> ids = new java.util.HashSet<>();
        json(response).get("data").forEach(hit -> ids.add(hit.get("id").asString()));
        assertThat(json(response).get("meta").get("total").asLong()).isEqualTo(ids.size());
        return ids;
    }

    private static JsonNode awaitRebuilt(String endpoint) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = json(http("GET", endpoint, null, null, null));
            return !last[0].get("rebuild").get("finished_at").isNull();
        });
        return last[0];
    }
}
