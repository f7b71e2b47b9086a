package ai.soul.eventstore;

import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.JdbcEventStorageEngineStatements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GapsByIndexTest {

    private final EventSchema schema = EventSchema.builder().build();
    private Connection connection;

    @BeforeEach
    void table() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:gaps;DB_CLOSE_DELAY=-1", "sa", "");
        try (PreparedStatement ddl = new H2EventTableFactory().createDomainEventTable(connection, schema)) {
            ddl.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO DomainEventEntry (globalIndex, eventIdentifier, "
                + "aggregateIdentifier, sequenceNumber, type, timeStamp, payloadType, payload) VALUES (?, ?, ?, 0, 'T', 't', 'P', X'00')")) {
            for (long index = 1; index <= 40; index++) {
                insert.setLong(1, index);
                insert.setString(2, "e" + index);
                insert.setString(3, "a" + index);
                insert.executeUpdate();
            }
        }
    }

    @AfterEach
    void drop() throws SQLException {
        connection.createStatement().execute("DROP ALL OBJECTS");
        connection.close();
    }

    @Test
    void readsTheSameRowsAsAxonsStatementInTheSameOrder() throws SQLException {
        List<Long> gaps = List.of(3L, 7L, 9L);
        List<Long> ours = indexes(new GapsByIndex().build(connection, schema, 10, 5, gaps));
        List<Long> axons = indexes(JdbcEventStorageEngineStatements.readEventDataWithGaps(connection, schema, 10, 5, gaps));

        assertThat(ours).containsExactly(3L, 7L, 9L, 11L, 12L, 13L, 14L, 15L).isEqualTo(axons);
    }

    @Test
    void aGapThatIsStillEmptyReturnsNothingForIt() throws SQLException {
        connection.createStatement().execute("DELETE FROM DomainEventEntry WHERE globalIndex = 7");

        assertThat(indexes(new GapsByIndex().build(connection, schema, 10, 2, List.of(7L, 8L)))).containsExactly(8L, 11L, 12L);
    }

    @Test
    void usesThePrimaryKeyForBothParts() throws SQLException {
        PreparedStatement statement = new GapsByIndex().build(connection, schema, 10, 5, List.of(3L));
        String sql = statement.toString().replaceFirst("^[^:]*: ", "").replaceFirst(" \\{.*$", "");
        try (ResultSet plan = connection.createStatement().executeQuery("EXPLAIN " + sql.replace("?", "1"))) {
            plan.next();
            // an index condition on each side of the union, not one sorted scan of the whole table
            assertThat(plan.getString(1).split("PRIMARY_KEY_\\w*: ", -1)).hasSize(3);
        }
    }

    private static List<Long> indexes(PreparedStatement statement) throws SQLException {
        List<Long> indexes = new ArrayList<>();
        try (statement; ResultSet rows = statement.executeQuery()) {
            while (rows.next()) indexes.add(rows.getLong("globalIndex"));
        }
        return indexes;
    }
}
