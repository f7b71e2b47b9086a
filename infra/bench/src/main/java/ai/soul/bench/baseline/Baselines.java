package ai.soul.bench.baseline;

import ai.soul.bench.history.Synthetic;
import ai.soul.bench.history.SystemEventStore;
import ai.soul.embedded.EmbeddedKafkaBroker;
import ai.soul.embedded.EmbeddedMongoServer;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.events.EventJson;
import ai.soul.projections.conversation.ConversationProjector;
import ai.soul.projections.conversation.MessageDocument;
import ai.soul.schemas.Events;
import ai.soul.schemas.PublishedEvent;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Raw baselines: what the bare infrastructure does here with its plain clients, one thread, no framework.
 * Each figure is measured for {@code each} after a warm-up of a fifth of it, on servers started fresh
 * in this JVM on new directories under {@code workDir} (deleted afterwards); every server, client and
 * port is released before {@link #run} returns.
 * <ul>
 *   <li>event appends: H2 file database with the system's URL options and Axon's event table, one
 *       INSERT + COMMIT per event (~300-byte MessagePosted JSON payloads);</li>
 *   <li>MongoDB upserts: {@code updateOne} by {@code _id} with upsert, one at a time, a document per conversation;</li>
 *   <li>MongoDB bulk: {@code insertMany} (unordered) of 500 message documents ({@link MessageDocument}s) per call;</li>
 *   <li>Kafka produce: acks=all, idempotent, linger.ms=0 (the system's producer), ~400-byte CloudEvents,
 *       async sends, one flush at the end, to a 4-partition topic;</li>
 *   <li>the raw pipeline: one loop doing per write what the architecture cannot avoid: append the event
 *       (INSERT + COMMIT), produce it (async; every 500 events wait for all acknowledgements, as the
 *       system's publisher does), and project it: the system's own {@link ConversationProjector}, called
 *       with the 500 events, as the read-model runner calls it with a batch (no Kafka consumer, no Spring).</li>
 * </ul>
 */
public final class Baselines {

    static final int BATCH = 500;
    static final int PARTITIONS = 4;
    static final String TOPIC = "soul.events";
    private static final String SOURCE = "urn:soul:backend";
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);
    private static final List<Header> HEADERS =
            List.of(new RecordHeader("content-type", CloudEventCodec.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8)));

    private Baselines() {
    }

    public static BaselineFigures run(Path workDir, Duration each, PrintStream log) {
        if (each.isNegative() || each.isZero()) {
            throw new IllegalArgumentException("each must be positive: " + each);
        }
        Path root;
        try {
            Files.createDirectories(workDir);
            root = Files.createTempDirectory(workDir.toAbsolutePath(), "baselines-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + workDir, e);
        }
        try {
            double appends = eventAppends(root.resolve("h2"), each, log);
            double upserts;
            double bulk;
            try (EmbeddedMongoServer server = EmbeddedMongoServer.start(root.resolve("mongo"));
                 MongoClient client = MongoClients.create(server.connectionString())) {
                upserts = mongoUpserts(client, each, log);
                bulk = mongoBulk(client, each, log);
            }
            double produce;
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(root.resolve("kafka"));
                 Producer<String, byte[]> producer = producer(broker)) {
                produce = kafkaProduce(producer, each, log);
            }
            double pipeline = pipeline(root.resolve("pipeline"), each, log);
            return new BaselineFigures(appends, upserts, bulk, produce, pipeline);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("baseline interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("baseline failed", e);
        } finally {
            deleteQuietly(root);
        }
    }

    static double eventAppends(Path dir, Duration each, PrintStream log) throws Exception {
        Traffic traffic = new Traffic(Synthetic.unseeded());
        try (EventRows store = EventRows.open(dir.resolve("events"))) {
            return Timed.rate("event appends", "events", each, () -> {
                store.append(traffic.next());
                return 1;
            }, () -> {
            }, () -> "H2 file with " + SystemEventStore.URL_OPTIONS + ", one INSERT + COMMIT + CHECKPOINT each (durable before the next), payloads of "
                    + store.meanPayloadBytes() + " bytes on average", log);
        }
    }

    static double mongoUpserts(MongoClient client, Duration each, PrintStream log) throws Exception {
        Traffic traffic = new Traffic(Synthetic.unseeded());
        MongoCollection<Document> conversations = client.getDatabase("upserts").getCollection("conversations");
        return Timed.rate("mongo upserts", "upserts", each, () -> {
            Traffic.Event event = traffic.next();
            conversations.updateOne(Filters.eq("_id", event.aggregateId()), Updates.combine(Updates.setOnInsert("created_at", event.at()),
                    Updates.set("updated_at", event.at()), Updates.max("version", event.sequence())), UPSERT);
            return 1;
        }, () -> {
        }, () -> "updateOne by _id, upsert, 1 in 10 creates a document", log);
    }

    static double mongoBulk(MongoClient client, Duration each, PrintStream log) throws Exception {
        Traffic traffic = new Traffic(Synthetic.unseeded());
        MongoCollection<MessageDocument> messages = client.getDatabase("bulk").getCollection(MessageDocument.COLLECTION, MessageDocument.class);
        List<MessageDocument> batch = new ArrayList<>(BATCH);
        return Timed.rate("mongo bulk", "docs", each, () -> {
            batch.clear();
            String conversation = null;
            String account = null;
            for (int i = 0; i < BATCH; i++) {
                if (i % 10 == 0) {
                    conversation = traffic.id("conv");
                    account = traffic.account();
                }
                int index = i % 10;
                batch.add(new MessageDocument(MessageDocument.key(conversation, index), traffic.id("msg"), conversation, account, index,
                        index % 2 == 0 ? "user" : "agent", traffic.text(), Instant.now(), null, null, null, null, null));
            }
            messages.insertMany(batch, UNORDERED);
            return BATCH;
        }, () -> {
        }, () -> "insertMany of " + BATCH + " message documents, unordered", log);
    }

    static double kafkaProduce(Producer<String, byte[]> producer, Duration each, PrintStream log) throws Exception {
        CloudEventCodec codec = new CloudEventCodec(EventJson.mapper(), SOURCE);
        Traffic traffic = new Traffic(Synthetic.unseeded());
        int pool = 1024;
        String[] keys = new String[pool];
        byte[][] values = new byte[pool][];
        long bytes = 0;
        for (int i = 0; i < pool; i++) {
            Traffic.Event event = traffic.next();
            keys[i] = event.aggregateId();
            values[i] = codec.encode(event.eventId(), event.aggregateId(), event.sequence(), event.at(), event.payload());
            bytes += values[i].length;
        }
        long meanBytes = bytes / pool;
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] n = {0};
        double rate = Timed.rate("kafka produce", "records", each, () -> {
            int i = (int) (n[0]++ % pool);
            producer.send(new ProducerRecord<>(TOPIC, null, System.currentTimeMillis(), keys[i], values[i], HEADERS), (metadata, e) -> {
                if (e != null) {
                    failures.incrementAndGet();
                    failure.compareAndSet(null, e);
                }
            });
            return 1;
        }, producer::flush, () -> String.format("acks=all, idempotent, linger.ms=0, %d-byte values on average, async, one flush", meanBytes), log);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " records were not acknowledged", failure.get());
        }
        return rate;
    }

    static double pipeline(Path dir, Duration each, PrintStream log) throws Exception {
        CloudEventCodec codec = new CloudEventCodec(EventJson.mapper(), SOURCE);
        Traffic traffic = new Traffic(Synthetic.unseeded());
        try (EventRows store = EventRows.open(dir.resolve("eventstore").resolve("events"));
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
             Producer<String, byte[]> producer = producer(broker);
             EmbeddedMongoServer server = EmbeddedMongoServer.start(dir.resolve("mongo"));
             MongoClient client = MongoClients.create(server.connectionString())) {
            ConversationProjector projector = new ConversationProjector(client.getDatabase("soul"));
            projector.prepare();
            List<Future<RecordMetadata>> sends = new ArrayList<>(BATCH);
            List<PublishedEvent<?>> batch = new ArrayList<>(BATCH);
            long[] nanos = new long[4]; // store, Kafka (encode + send + acks), read model, everything
            Timed.Drain completeBatch = () -> {
                long t0 = System.nanoTime();
                for (Future<RecordMetadata> send : sends) {
                    send.get(2, TimeUnit.MINUTES);
                }
                sends.clear();
                long t1 = System.nanoTime();
                projector.apply(batch);
                batch.clear();
                long t2 = System.nanoTime();
                nanos[1] += t1 - t0;
                nanos[2] += t2 - t1;
            };
            Timed.Work write = () -> {
                long t0 = System.nanoTime();
                Traffic.Event event = traffic.next();
                store.append(event);
                long t1 = System.nanoTime();
                byte[] value = codec.encode(event.eventId(), event.aggregateId(), event.sequence(), event.at(), event.payload());
                sends.add(producer.send(new ProducerRecord<>(TOPIC, null, event.at().toEpochMilli(), event.aggregateId(), value, HEADERS)));
                long t2 = System.nanoTime();
                batch.add(new PublishedEvent<>(event.eventId(), Events.typeOf(event.payload().getClass()), event.aggregateId(),
                        event.sequence(), event.at(), event.payload()));
                long t3 = System.nanoTime();
                nanos[0] += t1 - t0;
                nanos[1] += t2 - t1;
                nanos[2] += t3 - t2;
                if (sends.size() == BATCH) {
                    completeBatch.run();
                }
                nanos[3] += System.nanoTime() - t0;
                return 1;
            };
            Timed.Drain drain = () -> {
                long t0 = System.nanoTime();
                completeBatch.run();
                nanos[3] += System.nanoTime() - t0;
            };
            return Timed.rate("pipeline", "events", each, write, drain, () -> Arrays.fill(nanos, 0L),
                    () -> String.format(Locale.ROOT,
                    "append + produce + project in one thread, acks and the projector per %d events; time in store %.0f%%, Kafka %.0f%%, read model %.0f%%",
                    BATCH, 100.0 * nanos[0] / nanos[3], 100.0 * nanos[1] / nanos[3], 100.0 * nanos[2] / nanos[3]), log);
        }
    }

    /** The system's producer settings (EventStoreAutoConfiguration.eventProducer), on a new 4-partition topic. */
    static Producer<String, byte[]> producer(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(1, TimeUnit.MINUTES);
        }
        Map<String, Object> config = new HashMap<>(broker.clientConfig()); // the address and the login
        config.putAll(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000));
        return new KafkaProducer<>(config);
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover file under the work directory does no harm
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
