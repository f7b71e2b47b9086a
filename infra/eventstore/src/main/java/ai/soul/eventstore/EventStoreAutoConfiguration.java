package ai.soul.eventstore;

import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.events.EventJson;
import ai.soul.schemas.EventType;
import ai.soul.schemas.Events;
import com.mongodb.client.MongoClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.EhCache3Adapter;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.GenericTokenTableFactory;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.RevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.core.Ehcache;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Axon on the write side: the event store (Axon's JDBC engine on an H2 file locally, its MongoDB
 * engine in production; {@code soul.event-store}), the serializers, a strong bounded aggregate
 * cache and the Kafka publisher. Axon's own JDBC and transaction auto-configuration switch
 * themselves off under Boot 4, so those beans are declared here.
 */
@org.springframework.context.annotation.PropertySource("classpath:soul-eventstore.properties")
@AutoConfiguration(beforeName = "org.axonframework.springboot.autoconfig.AxonAutoConfiguration")
public class EventStoreAutoConfiguration {

    static {
        // every timestamp in millisecond precision, as it is stored in the read models and shown by the API
        GenericEventMessage.clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }

    /** Tokens, metadata and other framework state: plain Jackson. */
    @Bean
    @Primary
    public Serializer serializer() {
        return JacksonSerializer.defaultSerializer();
    }

    @Bean
    @Qualifier("messageSerializer")
    public Serializer messageSerializer() {
        return eventSerializer();
    }

    /** Events: the contract's JSON (snake_case), revision = the version in the CloudEvents type. */
    @Bean
    @Qualifier("eventSerializer")
    public Serializer eventSerializer() {
        RevisionResolver revisions = type -> type.isAnnotationPresent(EventType.class) ? Events.versionOf(type) : null;
        return JacksonSerializer.builder().objectMapper(EventJson.mapper()).revisionResolver(revisions).build();
    }

    @Bean
    public EventStore eventStore(EventStorageEngine storageEngine, @Qualifier("eventSerializer") Serializer eventSerializer,
                                 @Value("${soul.events.max-bytes:262144}") int maxEventBytes) {
        EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(storageEngine).build();
        store.registerDispatchInterceptor(new EventSizeLimit(eventSerializer, maxEventBytes));
        return store;
    }

    /** Strong references, bounded: a weak cache loses its entries between two commands. */
    @Bean(destroyMethod = "")
    public Cache aggregateCache(@Value("${soul.aggregate-cache.entries:10000}") long entries) {
        var manager = CacheManagerBuilder.newCacheManagerBuilder().build(true);
        var cache = manager.createCache("aggregates", CacheConfigurationBuilder.newCacheConfigurationBuilder(
                Object.class, Object.class, ResourcePoolsBuilder.heap(entries)));
        return new EhCache3Adapter((Ehcache<?, ?>) cache);
    }

    @Bean(destroyMethod = "close")
    public Producer<String, byte[]> eventProducer(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // keep retrying while the broker is away; the publisher's token does not move meanwhile
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return new KafkaProducer<>(config);
    }

    @Bean
    public KafkaPublisher kafkaPublisher(Producer<String, byte[]> eventProducer, CloudEventCodec codec,
                                         @Value("${soul.kafka.topic}") String topic, CommitDurability durability) {
        return new KafkaPublisher(eventProducer, codec, topic, durability);
    }

    @Bean("publisher")
    public PublisherHealth publisherHealth(EventProcessingConfiguration processing, EventStore eventStore,
                                           @Value("${soul.publisher.lag-alert:10000}") long lagAlert, MeterRegistry meters) {
        return new PublisherHealth(processing, eventStore, lagAlert, meters);
    }

    /** A command is answered only once its events are durable (after its unit of work committed). */
    @Bean
    public SmartInitializingSingleton durableCommandAnswers(ObjectProvider<CommandBus> commandBus, CommitDurability durability) {
        return () -> commandBus.getObject().registerHandlerInterceptor((unitOfWork, chain) -> {
            unitOfWork.afterCommit(u -> durability.awaitDurable());
            return chain.proceed();
        });
    }

    /** Local and CI: Axon's JDBC engine on an H2 file under the data directory. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "soul.event-store", havingValue = "jdbc", matchIfMissing = true)
    static class Jdbc {

        /**
         * Axon begins a command's transaction before the command waits for its aggregate's lock. On the
         * plain pool, commands queued on one busy aggregate would each hold a connection while waiting,
         * and the one holding the lock could starve for the connection its group commit needs. Lazy
         * connections are taken from the pool at the first statement, after the lock. (Held in a record,
         * not a DataSource bean, which would hide the pool from everything that injects one.)
         */
        record LazyConnections(LazyConnectionDataSourceProxy dataSource) {
        }

        @Bean
        LazyConnections lazyConnections(DataSource dataSource) {
            return new LazyConnections(new LazyConnectionDataSourceProxy(dataSource));
        }

        @Bean
        public ConnectionProvider connectionProvider(LazyConnections lazy) {
            return new SpringDataSourceConnectionProvider(lazy.dataSource());
        }

        @Bean
        public TransactionManager axonTransactionManager(LazyConnections lazy) {
            return new SpringTransactionManager(new DataSourceTransactionManager(lazy.dataSource()));
        }

        @Bean
        public EventStorageEngine eventStorageEngine(ConnectionProvider connections, TransactionManager transactions,
                                                     @Qualifier("eventSerializer") Serializer eventSerializer,
                                                     Serializer serializer, DataSource dataSource) throws SQLException {
            JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                    .connectionProvider(connections)
                    .transactionManager(transactions)
                    .eventSerializer(eventSerializer)
                    .snapshotSerializer(serializer)
                    .persistenceExceptionResolver(new DuplicateKeyResolver())
                    .readEventDataWithGaps(new GapsByIndex())
                    .build();
            if (!tableExists(dataSource, "DOMAINEVENTENTRY")) {
                engine.createSchema(new H2EventTableFactory());
            }
            return engine;
        }

        @Bean
        public CommitDurability groupCommit(DataSource dataSource) {
            return new GroupCommit(dataSource);
        }

        @Bean
        public TokenStore tokenStore(ConnectionProvider connections, Serializer serializer, DataSource dataSource) throws SQLException {
            JdbcTokenStore store = JdbcTokenStore.builder().connectionProvider(connections).serializer(serializer).build();
            if (!tableExists(dataSource, "TOKENENTRY")) {
                store.createSchema(GenericTokenTableFactory.INSTANCE);
            }
            return store;
        }

        private static boolean tableExists(DataSource dataSource, String table) throws SQLException {
            try (Connection connection = dataSource.getConnection();
                 var tables = connection.getMetaData().getTables(null, null, table, null)) {
                return tables.next();
            }
        }
    }

    /** Production: Axon's MongoDB engine, one document per event, on the same MongoDB as the read models. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "soul.event-store", havingValue = "mongo")
    static class Mongo {

        @Bean
        public org.axonframework.extensions.mongo.MongoTemplate axonMongoTemplate(MongoClient client,
                                                                                  @Value("${soul.mongodb.database}") String database) {
            return DefaultMongoTemplate.builder().mongoDatabase(client, database).build();
        }

        @Bean
        public EventStorageEngine eventStorageEngine(org.axonframework.extensions.mongo.MongoTemplate template,
                                                     @Qualifier("eventSerializer") Serializer eventSerializer,
                                                     Serializer serializer) {
            MongoEventStorageEngine engine = MongoEventStorageEngine.builder()
                    .mongoTemplate(template)
                    .eventSerializer(eventSerializer)
                    .snapshotSerializer(serializer)
                    .build();
            engine.ensureIndexes();
            return engine;
        }

        /** The driver's write concern makes each append durable before the command returns. */
        @Bean
        public CommitDurability commitDurability() {
            return () -> { };
        }

        @Bean
        public TokenStore tokenStore(org.axonframework.extensions.mongo.MongoTemplate template, Serializer serializer) {
            MongoTokenStore store = MongoTokenStore.builder().mongoTemplate(template).serializer(serializer).build();
            store.ensureIndexes();
            return store;
        }
    }
}
