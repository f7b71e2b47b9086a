package ai.soul.edge.health;

import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** MongoDB is up when the read-model database answers a ping. */
public class MongoPingHealthIndicator extends AbstractHealthIndicator {

    private final MongoDatabase database;

    public MongoPingHealthIndicator(MongoDatabase database) {
        this.database = database;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        database.runCommand(new Document("ping", 1));
        builder.up().withDetail("database", database.getName());
    }
}
