package ai.soul.projections;

import ai.soul.projections.account.AccountProjector;
import ai.soul.projections.attachment.AttachmentProjector;
import ai.soul.projections.conversation.ConversationProjector;
import ai.soul.projections.export.ExportProjector;
import ai.soul.projections.usage.UsageProjector;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A projector is a bean in both apps: creating one does nothing, its work starts with {@link Projector#prepare}. */
class ProjectorsTest {

    static final List<Function<MongoDatabase, Projector>> PROJECTORS = List.of(ConversationProjector::new, AccountProjector::new,
            AttachmentProjector::new, ExportProjector::new, UsageProjector::new);

    @Test
    void creatingAProjectorTouchesNoDatabase() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // nothing listens there once it is closed
        }
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(200, TimeUnit.MILLISECONDS)).build())) {
            MongoDatabase away = client.getDatabase("away");
            for (Function<MongoDatabase, Projector> create : PROJECTORS) {
                Projector projector = create.apply(away);
                assertThat(projector).isNotNull();
                assertThatThrownBy(projector::prepare).isInstanceOf(MongoTimeoutException.class);
            }
        }
    }
}
