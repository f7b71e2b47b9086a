package ai.soul.bench.history;

import ai.soul.edge.Ids;
import ai.soul.schemas.conversation.ConversationCreated;
import ai.soul.schemas.conversation.MessagePosted;
import ai.soul.domain.ai.AiPort;
import ai.soul.domain.conversation.ConversationLimits;
import ai.soul.domain.conversation.ConversationCommands.PostMessage;
import ai.soul.domain.conversation.MessageView;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryLoaderTest {

    @TempDir
    Path dataDir;

    @Test
    void loadsAHistoryThatAxonReadsBackAsTheSystemWould() throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoadedHistory loaded = HistoryLoader.load(dataDir, 20_000, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(loaded.events()).isEqualTo(20_000);
        assertThat(loaded.conversations()).isBetween(1_500, 2_500); // 10 events each on average
        assertThat(Files.exists(dataDir.resolve("eventstore/events.mv.db"))).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("(50%)").contains("loaded in");

        SingleConnectionDataSource dataSource = openStore();
        try {
            assertThat(count(dataSource, "SELECT COUNT(*) FROM DOMAINEVENTENTRY")).isEqualTo(20_000);
            assertThat(count(dataSource, "SELECT COUNT(*) FROM DOMAINEVENTENTRY WHERE SEQUENCENUMBER = 0")).isEqualTo(loaded.conversations());
            assertThat(count(dataSource, "SELECT COUNT(DISTINCT TYPE) FROM DOMAINEVENTENTRY")).isEqualTo(1);
            assertThat(count(dataSource, "SELECT COUNT(*) FROM DOMAINEVENTENTRY WHERE TYPE <> 'Conversation'")).isZero();
            // the log's time order is the insertion order, as in a store the system wrote
            assertThat(count(dataSource, "SELECT COUNT(*) FROM DOMAINEVENTENTRY a JOIN DOMAINEVENTENTRY b "
                    + "ON b.GLOBALINDEX = a.GLOBALINDEX + 1 WHERE b.TIMESTAMP < a.TIMESTAMP")).isZero();

            JdbcEventStorageEngine engine = SystemEventStore.engine(dataSource); // a fresh engine, as the system builds it
            List<String> aggregates = strings(dataSource,
                    "SELECT AGGREGATEIDENTIFIER FROM DOMAINEVENTENTRY WHERE SEQUENCENUMBER = 0 ORDER BY GLOBALINDEX");
            int messagesSeen = 0;
            for (String id : List.of(aggregates.get(0), aggregates.get(aggregates.size() / 2), aggregates.get(aggregates.size() - 1))) {
                List<? extends DomainEventMessage<?>> events = engine.readEvents(id).asStream().collect(Collectors.toList());
                assertThat(events).isNotEmpty().hasSizeLessThanOrEqualTo(19);
                ConversationCreated created = (ConversationCreated) events.get(0).getPayload();
                assertThat(created.conversationId()).isEqualTo(id);
                assertThat(Ids.looksLike("conv", id)).isTrue();
                assertThat(Ids.looksLike("usr", created.accountId())).isTrue();
                assertThat(created.title()).isNotBlank().hasSizeLessThanOrEqualTo(200);
                assertThat(created.source()).isIn("email", "whatsapp", "api");
                assertThat(created.metadata()).isNotNull();
                Instant previous = Instant.MIN;
                for (int seq = 0; seq < events.size(); seq++) {
                    DomainEventMessage<?> event = events.get(seq);
                    assertThat(event.getSequenceNumber()).isEqualTo(seq);
                    assertThat(event.getType()).isEqualTo("Conversation");
                    assertThat(event.getAggregateIdentifier()).isEqualTo(id);
                    assertThat(event.getTimestamp()).isAfter(previous).isBefore(Instant.now());
                    assertThat(event.getMetaData()).containsKeys("traceId", "correlationId");
                    previous = event.getTimestamp();
                    if (seq > 0) {
                        MessagePosted message = (MessagePosted) event.getPayload();
                        assertThat(message.conversationId()).isEqualTo(id);
                        assertThat(message.accountId()).isEqualTo(created.accountId());
                        assertThat(message.index()).isEqualTo(seq - 1);
                        assertThat(message.role()).isEqualTo(seq % 2 == 1 ? "user" : "agent");
                        assertThat(message.content()).isNotBlank().hasSizeLessThanOrEqualTo(10_000);
                        assertThat(Ids.looksLike("msg", message.messageId())).isTrue();
                        messagesSeen++;
                    }
                }
            }
            assertThat(messagesSeen).isPositive();
            // the payload revision is the contract's version, as the system's serializer writes it
            assertThat(strings(dataSource, "SELECT DISTINCT PAYLOADTYPE || ':' || PAYLOADREVISION FROM DOMAINEVENTENTRY ORDER BY 1"))
                    .containsExactly("ai.soul.schemas.conversation.ConversationCreated:1", "ai.soul.schemas.conversation.MessagePosted:1");
            // the whole log streams from the start, as the system's tracking publisher reads it
            assertThat(engine.readEvents(null, false).limit(25_000).count()).isEqualTo(20_000);
        } finally {
            dataSource.destroy();
        }
    }

    @Test
    void appendsToAStoreThatAlreadyHasItsTables() throws SQLException {
        HistoryLoader.load(dataDir, 1_000, new PrintStream(PrintStream.nullOutputStream()));
        LoadedHistory second = HistoryLoader.load(dataDir, 2_345, new PrintStream(PrintStream.nullOutputStream()));

        assertThat(second.events()).isEqualTo(2_345);
        SingleConnectionDataSource dataSource = openStore();
        try {
            assertThat(count(dataSource, "SELECT COUNT(*) FROM DOMAINEVENTENTRY")).isEqualTo(3_345);
            assertThat(count(dataSource, "SELECT COUNT(DISTINCT EVENTIDENTIFIER) FROM DOMAINEVENTENTRY")).isEqualTo(3_345);
        } finally {
            dataSource.destroy();
        }
    }

    @Test
    void theDomainCarriesOnWithALoadedConversation() throws Exception {
        HistoryLoader.load(dataDir, 3_000, new PrintStream(PrintStream.nullOutputStream()));
        SingleConnectionDataSource dataSource = openStore();
        Configuration axon = null;
        try {
            JdbcEventStorageEngine engine = SystemEventStore.engine(dataSource);
            String id = strings(dataSource, "SELECT AGGREGATEIDENTIFIER FROM DOMAINEVENTENTRY "
                    + "GROUP BY AGGREGATEIDENTIFIER ORDER BY MAX(SEQUENCENUMBER) DESC, AGGREGATEIDENTIFIER LIMIT 1").get(0);
            long lastSequence = engine.lastSequenceNumberFor(id).orElseThrow();
            String account = ((ConversationCreated) engine.readEvents(id).next().getPayload()).accountId();

            // the system's aggregate, on the loaded store, as the command side runs it
            axon = withAggregate(DefaultConfigurer.defaultConfiguration(), Class.forName("ai.soul.domain.conversation.Conversation"))
                    .configureSerializer(c -> JacksonSerializer.defaultSerializer())
                    .configureEmbeddedEventStore(c -> engine)
                    .registerComponent(AiPort.class, c -> NO_MODELS)
                    .registerComponent(ConversationLimits.class, c -> ConversationLimits.DEFAULTS)
                    .buildConfiguration();
            axon.start();
            MessageView posted = axon.commandGateway().sendAndWait(new PostMessage(id, account, Ids.next("msg"), "Thanks, got it.",
                    null, false));

            // messages 0..lastSequence-1 were loaded, so the next one is at index lastSequence
            assertThat(posted.index()).isEqualTo(lastSequence);
            assertThat(posted.version()).isEqualTo(lastSequence + 1);
            assertThat(posted.conversationId()).isEqualTo(id);
            // and the request for the agent's reply after it
            assertThat(engine.lastSequenceNumberFor(id)).contains(lastSequence + 2);
        } finally {
            if (axon != null) {
                axon.shutdown();
            }
            dataSource.destroy();
        }
    }

    /** The message names no model, so the aggregate's model check never asks; no reply is written here. */
    private static final AiPort NO_MODELS = new AiPort() {
        @Override
        public List<Model> models() {
            return List.of();
        }

        @Override
        public Reply reply(ReplyRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Summary summarize(SummaryRequest request) {
            throw new UnsupportedOperationException();
        }
    };

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Configurer withAggregate(Configurer configurer, Class<?> aggregate) {
        return configurer.configureAggregate((Class) aggregate);
    }

    @Test
    void usesTheSystemsUrlOptions() {
        assertThat(SystemEventStore.URL_OPTIONS).startsWith(";").contains("DB_CLOSE_ON_EXIT=FALSE");
        assertThat(SystemEventStore.jdbcUrlFor(dataDir))
                .isEqualTo("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("eventstore/events") + SystemEventStore.URL_OPTIONS);
    }

    private SingleConnectionDataSource openStore() {
        return new SingleConnectionDataSource(SystemEventStore.jdbcUrlFor(dataDir), SystemEventStore.USER, SystemEventStore.PASSWORD, true);
    }

    private static long count(SingleConnectionDataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(SingleConnectionDataSource dataSource, String sql) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }
}
