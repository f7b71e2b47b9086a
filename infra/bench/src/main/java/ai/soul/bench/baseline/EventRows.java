package ai.soul.bench.baseline;

import ai.soul.bench.history.SystemEventStore;
import ai.soul.edge.events.EventJson;
import ai.soul.schemas.Events;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The event store with plain JDBC: an H2 file database opened with the system's URL options, Axon's
 * event table created by the system's own table factory (same columns, primary key and unique
 * indexes), and the very INSERT that Axon's JDBC engine issues, one row, one commit and one checkpoint (the write of the file) per event.
 */
final class EventRows implements AutoCloseable {

    private final ObjectMapper json = EventJson.mapper();
    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement checkpoint;
    private long rows;
    private long payloadBytes;

    private EventRows(Connection connection, PreparedStatement insert) throws SQLException {
        this.connection = connection;
        this.insert = insert;
        this.checkpoint = connection.prepareStatement("CHECKPOINT");
    }

    /** Opens (creating) the database at {@code database}, e.g. {@code <dir>/events}, and its event table. */
    static EventRows open(Path database) throws SQLException {
        Connection connection = DriverManager.getConnection(SystemEventStore.jdbcUrl(database), SystemEventStore.USER, SystemEventStore.PASSWORD);
        try {
            EventSchema schema = EventSchema.builder().build();
            try (PreparedStatement ddl = SystemEventStore.tableFactory().createDomainEventTable(connection, schema)) {
                ddl.executeUpdate();
            }
            connection.setAutoCommit(false);
            String columns = String.join(", ", schema.eventIdentifierColumn(), schema.aggregateIdentifierColumn(),
                    schema.sequenceNumberColumn(), schema.typeColumn(), schema.timestampColumn(), schema.payloadTypeColumn(),
                    schema.payloadRevisionColumn(), schema.payloadColumn(), schema.metaDataColumn());
            PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + schema.domainEventTable() + " (" + columns + ") VALUES (?,?,?,?,?,?,?,?,?)");
            return new EventRows(connection, insert);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Serialises the event as the system's event serializer does, inserts it and commits. */
    void append(Traffic.Event event) throws SQLException {
        insert.setString(1, event.eventId());
        insert.setString(2, event.aggregateId());
        insert.setLong(3, event.sequence());
        insert.setString(4, Traffic.AGGREGATE_TYPE);
        insert.setString(5, event.at().toString());
        insert.setString(6, event.payload().getClass().getName());
        insert.setString(7, Events.versionOf(event.payload().getClass()));
        byte[] payload = bytes(event.payload());
        insert.setBytes(8, payload);
        insert.setBytes(9, bytes(event.metadata()));
        insert.executeUpdate();
        connection.commit();
        checkpoint.execute(); // durable in the file, as the system makes a command's events before answering it
        rows++;
        payloadBytes += payload.length;
    }

    /** The mean size of the payloads appended so far, in bytes. */
    long meanPayloadBytes() {
        return rows == 0 ? 0 : payloadBytes / rows;
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            insert.close();
            checkpoint.close();
        } finally {
            connection.close(); // the only connection: H2 closes the database
        }
    }
}
