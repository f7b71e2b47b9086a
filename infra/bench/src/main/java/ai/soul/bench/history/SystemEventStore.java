package ai.soul.bench.history;

import ai.soul.eventstore.EventStoreAutoConfiguration;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventsourcing.eventstore.jdbc.EventTableFactory;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The system's JDBC event store as the system itself opens it (see {@code EventStoreAutoConfiguration.Jdbc}
 * and {@code soul-eventstore.properties} in infra/eventstore): the same H2 URL options, table DDL,
 * serializers and duplicate-key resolver, so what the bench writes the system reads as its own.
 */
public final class SystemEventStore {

    /** The event store's database under the system's DATA_DIR (H2 adds {@code .mv.db}). */
    public static final String DATABASE = "eventstore/events";
    public static final String USER = "sa";
    public static final String PASSWORD = "";

    /**
     * The options the system appends to its H2 URL, e.g. {@code ;DB_CLOSE_ON_EXIT=FALSE}: read from the
     * system's own {@code spring.datasource.url} in {@code soul-eventstore.properties} on the class path, so
     * they follow that file; the literal is only the fallback when the file cannot be read.
     */
    public static final String URL_OPTIONS = systemUrlOptions(";DB_CLOSE_ON_EXIT=FALSE");

    private static final String PROPERTIES = "soul-eventstore.properties";
    private static final String TABLE_FACTORY = "ai.soul.eventstore.H2EventTableFactory";
    private static final String DUPLICATE_KEY_RESOLVER = "ai.soul.eventstore.DuplicateKeyResolver";
    private static final String DOMAIN_EVENT_TABLE = "DOMAINEVENTENTRY";

    private SystemEventStore() {
    }

    /** {@code jdbc:h2:file:<dataDir>/eventstore/events<URL_OPTIONS>} */
    public static String jdbcUrlFor(Path dataDir) {
        return jdbcUrl(dataDir.toAbsolutePath().resolve(DATABASE));
    }

    /** The URL of an H2 file database at {@code database} (without {@code .mv.db}) with the system's options. */
    public static String jdbcUrl(Path database) {
        return "jdbc:h2:file:" + database.toAbsolutePath() + URL_OPTIONS;
    }

    /**
     * Axon's JDBC engine configured exactly like the system's bean, creating the event tables with the
     * system's H2 table factory if they are missing.
     */
    public static JdbcEventStorageEngine engine(DataSource dataSource) {
        EventStoreAutoConfiguration config = new EventStoreAutoConfiguration();
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                .connectionProvider(new SpringDataSourceConnectionProvider(dataSource))
                .transactionManager(new SpringTransactionManager(new DataSourceTransactionManager(dataSource)))
                .eventSerializer(config.eventSerializer())
                .snapshotSerializer(config.serializer())
                .persistenceExceptionResolver(duplicateKeyResolver())
                .build();
        if (!domainEventTableExists(dataSource)) {
            engine.createSchema(tableFactory());
        }
        return engine;
    }

    public static boolean domainEventTableExists(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, null, DOMAIN_EVENT_TABLE, null)) {
            return tables.next();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the event store's tables", e);
        }
    }

    /**
     * The system's H2 dialect of Axon's event tables. It is package-private in infra/eventstore, so it is
     * instantiated reflectively rather than copied: the DDL then cannot drift from the system's.
     */
    public static EventTableFactory tableFactory() {
        return instantiate(TABLE_FACTORY, EventTableFactory.class);
    }

    /** The system's resolver that makes a unique-key violation (SQL state 23505) a concurrency conflict. */
    public static PersistenceExceptionResolver duplicateKeyResolver() {
        return instantiate(DUPLICATE_KEY_RESOLVER, PersistenceExceptionResolver.class);
    }

    private static <T> T instantiate(String className, Class<T> type) {
        try {
            Constructor<?> constructor = Class.forName(className).getDeclaredConstructor();
            constructor.setAccessible(true);
            return type.cast(constructor.newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the event store's " + className, e);
        }
    }

    /** {@code ${NAME:default}} as Spring would resolve it from the environment (no nesting). */
    private static String resolvePlaceholders(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = System.getenv(m.group(1));
            if (value == null) {
                value = System.getProperty(m.group(1), m.group(2) == null ? "" : m.group(2));
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    static String systemUrlOptions(String fallback) {
        try (InputStream in = SystemEventStore.class.getClassLoader().getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                return fallback;
            }
            Properties properties = new Properties();
            properties.load(in);
            String url = properties.getProperty("spring.datasource.url");
            if (url == null || !url.startsWith("jdbc:h2:")) {
                return fallback;
            }
            int options = url.indexOf(';');
            return options < 0 ? "" : resolvePlaceholders(url.substring(options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROPERTIES, e);
        }
    }
}
