package ai.soul.eventstore;

import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.ReadEventDataWithGapsStatementBuilder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * How the publisher reads new events while its token has gaps (global indexes taken by commits
 * still in flight). Axon's statement asks {@code (index > ? AND index <= ?) OR index IN (gaps)};
 * H2 answers an OR across two conditions by scanning the whole table, so with concurrent writers
 * (there are always some gaps) every read cost as much as the history was long: a million events
 * stalled the publisher for seconds at a time. The same rows as a UNION ALL of the range and the
 * gaps are two index lookups. The two parts never overlap: gaps lie below the token's index.
 */
final class GapsByIndex implements ReadEventDataWithGapsStatementBuilder {

    @Override
    public PreparedStatement build(Connection connection, EventSchema schema, long globalIndex, int batchSize, List<Long> gaps)
            throws SQLException {
        String select = "SELECT " + schema.trackedEventFields() + " FROM " + schema.domainEventTable() + " WHERE ";
        String sql = select + schema.globalIndexColumn() + " > ? AND " + schema.globalIndexColumn() + " <= ?"
                + " UNION ALL " + select + schema.globalIndexColumn() + " IN (" + String.join(",", Collections.nCopies(gaps.size(), "?")) + ")"
                + " ORDER BY " + schema.globalIndexColumn() + " ASC";
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setLong(1, globalIndex);
        statement.setLong(2, globalIndex + batchSize);
        for (int i = 0; i < gaps.size(); i++) {
            statement.setLong(i + 3, gaps.get(i));
        }
        return statement;
    }
}
