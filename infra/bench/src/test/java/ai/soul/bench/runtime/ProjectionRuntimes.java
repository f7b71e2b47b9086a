package ai.soul.bench.runtime;

import ai.soul.bench.history.Synthetic;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.events.EventJson;
import ai.soul.embedded.EmbeddedKafkaBroker;
import ai.soul.embedded.EmbeddedMongoServer;
import ai.soul.projections.ProjectionOffsets;
import ai.soul.projections.Projector;
import ai.soul.projections.account.AccountProjector;
import ai.soul.projections.attachment.AttachmentProjector;
import ai.soul.projections.conversation.ConversationProjector;
import ai.soul.projections.export.ExportProjector;
import ai.soul.schemas.PublishedEvent;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.core.KafkaAdmin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Not a test: a main that compares two projection runtimes on one workload (docs/projection-runtime.md).
 * It appends N events of the bench's synthetic history (HistoryLoader's shape: 100 accounts, about a
 * thousand conversations open at a time, 1 to 19 events each) to a topic of 4 partitions on the
 * embedded broker, then projects them into the read models on the embedded MongoDB server, each run on a
 * database of its own, with the same four read-model projectors and batches of up to 1,000 records:
 * <ul>
 *   <li>{@code ours}: query-api's projection runtime, discovered from the projector beans of a Spring context
 *       (offsets in {@code projection_offsets} after each batch's writes);</li>
 *   <li>{@code axon}: an Axon 4 {@link TrackingEventProcessor} (one segment, batch size 1,000, tokens stored
 *       after processing) over a Kafka message source ({@link AxonKafkaSource}), its token in Axon's
 *       {@link MongoTokenStore} on the same server; the batch is applied when the processor hands the
 *       batch's last event to the handler, so the writes precede the token.</li>
 * </ul>
 * Prints events/s from the first applied batch to the last (the start-up before it is printed apart).
 * <pre>
 * ./mvnw -q -B -o -pl infra/bench -am test-compile
 * ./mvnw -q -B -o -pl infra/bench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/bench-cp.txt
 * java -cp "infra/bench/target/test-classes:infra/bench/target/classes:$(cat /tmp/bench-cp.txt)" \
 *   ai.soul.bench.runtime.ProjectionRuntimes 200000 ours,axon,ours,axon
 * </pre>
 */
public final class ProjectionRuntimes {

    private static final String TOPIC = "soul.events";
    private static final int PARTITIONS = 4;
    private static final int ACCOUNTS = 100;
    private static final int OPEN = 1_000;
    private static final int MAX_MESSAGES = 18;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        List<String> runs = List.of((args.length > 1 ? args[1] : "ours,axon").split(","));
        Path data = Files.createTempDirectory("projection-runtimes");
        CloudEventCodec codec = new CloudEventCodec(EventJson.mapper(), "urn:soul:bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"));
             EmbeddedMongoServer mongoServer = EmbeddedMongoServer.start(data.resolve("mongo"));
             MongoClient mongo = MongoClients.create(mongoServer.connectionString())) {
            append(broker, codec, events);
            List<String> results = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                String run = runs.get(i);
                MongoDatabase db = mongo.getDatabase("runtime_" + i);
                String result = switch (run) {
                    case "ours" -> ours(broker, db, codec, events, "ours-" + i);
                    case "axon" -> axon(broker, mongo, db, codec, events, "axon-" + i);
                    default -> throw new IllegalArgumentException("ours or axon: " + run);
                };
                results.add(run + ": " + result);
                System.out.println(run + ": " + result);
                System.gc();
            }
            System.out.printf(Locale.ROOT, "%n%,d events, %d partitions, batches of 1,000, embedded broker and MongoDB server%n", events, PARTITIONS);
            results.forEach(System.out::println);
        }
    }

    /** The synthetic history as HistoryLoader makes it, as CloudEvent records keyed by conversation. */
    private static void append(EmbeddedKafkaBroker broker, CloudEventCodec codec, int events) throws Exception {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long started = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            Synthetic synthetic = new Synthetic(11);
            var random = synthetic.random();
            long at = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
            String[] accounts = new String[ACCOUNTS];
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts[i] = synthetic.id("usr", at - 86_400_000L);
            }
            String[] ids = new String[OPEN];
            String[] owners = new String[OPEN];
            int[] next = new int[OPEN];
            int[] length = new int[OPEN];
            for (int i = 0; i < events; i++) {
                at += 1 + random.nextInt(50);
                int slot = random.nextInt(OPEN);
                if (ids[slot] == null || next[slot] == length[slot]) {
                    ids[slot] = synthetic.id("conv", at);
                    owners[slot] = accounts[random.nextInt(ACCOUNTS)];
                    next[slot] = 0;
                    length[slot] = 1 + random.nextInt(MAX_MESSAGES + 1);
                }
                String id = ids[slot];
                Object data = next[slot] == 0 ? synthetic.conversationCreated(id, owners[slot])
                        : synthetic.messagePosted(id, owners[slot], synthetic.id("msg", at), next[slot] - 1);
                producer.send(new ProducerRecord<>(TOPIC, id, codec.encode(synthetic.uuid(at), id, next[slot], Instant.ofEpochMilli(at), data)));
                next[slot]++;
            }
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "appended %,d events in %.1f s%n", events, (System.nanoTime() - started) / 1e9);
    }

    private static List<Projector> projectors(MongoDatabase db) {
        return List.of(new ConversationProjector(db), new AccountProjector(db), new AttachmentProjector(db), new ExportProjector(db));
    }

    /** query-api's runtime in a Spring context of its own package and the four projector beans. */
    private static String ours(EmbeddedKafkaBroker broker, MongoDatabase db, CloudEventCodec codec, int events, String group) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.getBeanFactory().setConversionService(ApplicationConversionService.getSharedInstance());
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("bench", Map.of(
                "soul.kafka.topic", TOPIC,
                "soul.projections.instance-id", group + "-instance",
                "soul.projections.read-models.group", group)));
        KafkaProperties kafka = new KafkaProperties();
        broker.clientConfig().forEach((name, value) -> kafka.getProperties().put(name, String.valueOf(value)));
        context.registerBean(KafkaProperties.class, () -> kafka);
        context.registerBean(KafkaAdmin.class, () -> new KafkaAdmin(broker.clientConfig()));
        context.registerBean(MongoDatabase.class, () -> db);
        context.registerBean(CloudEventCodec.class, () -> codec);
        context.registerBean(ReadYourWrites.class, () -> new ReadYourWrites(Duration.ofSeconds(5)));
        context.registerBean(MeterRegistry.class, SimpleMeterRegistry::new);
        List<Projector> projectors = projectors(db);
        for (int i = 0; i < projectors.size(); i++) {
            Projector projector = projectors.get(i);
            context.registerBean("projector" + i, Projector.class, () -> projector);
        }
        context.scan("ai.soul.query.projection");
        ProjectionOffsets offsets = new ProjectionOffsets(db, group);
        long started = System.nanoTime();
        context.refresh();
        try {
            return measure(started, events, () -> offsets.load(TOPIC, List.of(0, 1, 2, 3)).values().stream().mapToLong(Long::longValue).sum());
        } finally {
            context.close();
        }
    }

    /** An Axon tracking processor over Kafka, its token in MongoDB, applying each batch with the same projectors. */
    private static String axon(EmbeddedKafkaBroker broker, MongoClient mongo, MongoDatabase db, CloudEventCodec codec, int events,
                               String name) {
        MongoTokenStore tokens = MongoTokenStore.builder()
                .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(mongo, db.getName()).build())
                .serializer(JacksonSerializer.defaultSerializer())
                .build();
        tokens.ensureIndexes();
        List<Projector> projectors = projectors(db);
        AtomicLong applied = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        ReadYourWrites readYourWrites = new ReadYourWrites(Duration.ofSeconds(5));
        EventHandlerInvoker invoker = new EventHandlerInvoker() {
            @Override
            public boolean canHandle(EventMessage<?> message, Segment segment) {
                return true;
            }

            /** The batch is the unit of work's messages; applied at its last one, before the token is stored. */
            @Override
            public void handle(EventMessage<?> message, Segment segment) {
                BatchingUnitOfWork<?> unit = (BatchingUnitOfWork<?>) CurrentUnitOfWork.get();
                if (!unit.isLastMessage()) {
                    return;
                }
                List<PublishedEvent<?>> batch = new ArrayList<>(unit.getMessages().size());
                for (org.axonframework.messaging.Message<?> each : unit.getMessages()) {
                    batch.add((PublishedEvent<?>) each.getPayload());
                }
                for (Projector projector : projectors) {
                    projector.apply(batch);
                }
                batch.forEach(event -> readYourWrites.applied(event.subject(), event.sequence()));
                applied.addAndGet(batch.size());
                batches.incrementAndGet();
            }
        };
        TrackingEventProcessor processor = TrackingEventProcessor.builder()
                .name(name)
                .eventHandlerInvoker(invoker)
                .messageSource(new AxonKafkaSource(broker.clientConfig(), TOPIC, codec))
                .tokenStore(tokens)
                .transactionManager(NoTransactionManager.INSTANCE)
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(1_000)
                        .andInitialTrackingToken(source -> source.createTailToken()))
                .storingTokensAfterProcessing()
                .build();
        long started = System.nanoTime();
        projectors.forEach(Projector::prepare);
        processor.start();
        try {
            return measure(started, events, applied::get) + String.format(Locale.ROOT, ", %,d batches", batches.get());
        } finally {
            processor.shutDown();
            System.out.println("axon token: " + tokens.fetchToken(name, 0));
        }
    }

    /**
     * Polls {@code applied} until it reaches {@code events}; the rate counts from the first batch seen. The
     * CPU time of the whole process (broker and MongoDB server included) over the same span is printed per
     * 1,000 events: on a shared machine it varies less than the wall clock.
     */
    private static String measure(long started, int events, LongSupplier applied) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long[] first = new long[3]; // events applied, time and process CPU time at the first batch seen
        try {
            Awaitility.await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
                long done = applied.getAsLong();
                if (first[0] == 0 && done > 0) {
                    first[0] = done;
                    first[1] = System.nanoTime();
                    first[2] = os.getProcessCpuTime();
                }
                return done >= events;
            });
        } catch (ConditionTimeoutException e) {
            return "did not finish: " + applied.getAsLong() + " of " + events;
        }
        double steady = (System.nanoTime() - first[1]) / 1e9;
        double cpuMs = (os.getProcessCpuTime() - first[2]) / 1e6;
        return String.format(Locale.ROOT, "%,.0f events/s, %.0f ms CPU per 1,000 events (%,d events in %.1f s after the first batch "
                + "of %,d; start-up %.1f s)", (events - first[0]) / steady, cpuMs / (events - first[0]) * 1000, events - first[0], steady,
                first[0], (first[1] - started) / 1e9);
    }
}
