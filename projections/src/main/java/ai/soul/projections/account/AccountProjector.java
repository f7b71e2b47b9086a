package ai.soul.projections.account;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.ApiKeyIssued;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Accounts and their API keys; keys are found by the hash of the key a request presents. */
public class AccountProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> accounts;
    private final MongoCollection<Document> apiKeys;

    public AccountProjector(MongoDatabase db) {
        this.accounts = db.getCollection(Accounts.ACCOUNTS);
        this.apiKeys = db.getCollection(Accounts.API_KEYS);
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<WriteModel<Document>> accountWrites = new ArrayList<>();
        List<WriteModel<Document>> keyWrites = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            Date at = Date.from(event.time());
            if (event.data() instanceof AccountRegistered e) {
                // created once: a replay of the creation finds the document and changes nothing
                accountWrites.add(new UpdateOneModel<>(Filters.eq("_id", e.accountId()), Updates.combine(
                        Updates.setOnInsert("email", e.email()),
                        Updates.setOnInsert("name", e.name()),
                        Updates.setOnInsert("company_name", e.companyName()),
                        Updates.setOnInsert("tier", e.tier()),
                        Updates.setOnInsert("created_at", at),
                        Updates.setOnInsert("version", event.sequence())), UPSERT));
            } else if (event.data() instanceof ApiKeyIssued e) {
                keyWrites.add(new UpdateOneModel<>(Filters.eq("_id", e.keyHash()), Updates.combine(
                        Updates.setOnInsert("key_id", e.keyId()),
                        Updates.setOnInsert("account_id", e.accountId()),
                        Updates.setOnInsert("prefix", e.prefix()),
                        Updates.setOnInsert("created_at", at)), UPSERT));
            }
        }
        BulkWrites.run(accounts, accountWrites);
        BulkWrites.run(apiKeys, keyWrites);
    }

    @Override
    public void reset() {
        accounts.drop();
        apiKeys.drop();
    }
}
