package ai.soul.projections.account;

import ai.soul.projections.BulkWrites;
import ai.soul.projections.Projector;
import ai.soul.schemas.PublishedEvent;
import ai.soul.schemas.account.AccountRegistered;
import ai.soul.schemas.account.AccountRegisteredByIdentity;
import ai.soul.schemas.account.ApiKeyIssued;
import ai.soul.schemas.account.ApiKeyRevoked;
import ai.soul.schemas.account.RegistrationAttempted;
import ai.soul.schemas.account.TierChanged;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Accounts and their API keys; keys are found by the hash of the key a request presents. */
@Component
public class AccountProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    /** The notices an account shows, the latest; the account records at most one a day anyway. */
    static final int NOTICES = 20;

    private final MongoCollection<Document> accounts;
    private final MongoCollection<Document> apiKeys;

    public AccountProjector(MongoDatabase db) {
        this.accounts = db.getCollection(Accounts.ACCOUNTS);
        this.apiKeys = db.getCollection(Accounts.API_KEYS);
    }

    @Override
    public void prepare() {
        createIndexes();
    }

    /** The embedded server uses an index only when a filter names exactly its keys: one per lookup. */
    private void createIndexes() {
        apiKeys.createIndex(Indexes.ascending("account_id"));
        // unique, as the usage counters create it too (the same index twice must have the same options)
        apiKeys.createIndex(Indexes.ascending("key_id"), new IndexOptions().unique(true));
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
            } else if (event.data() instanceof AccountRegisteredByIdentity e) {
                accountWrites.add(new UpdateOneModel<>(Filters.eq("_id", e.accountId()), Updates.combine(
                        Updates.setOnInsert("email", e.email()),
                        Updates.setOnInsert("name", e.name()),
                        Updates.setOnInsert("tier", e.tier()),
                        Updates.setOnInsert("created_at", at),
                        Updates.setOnInsert("version", event.sequence())), UPSERT));
            } else if (event.data() instanceof TierChanged e) {
                // a replayed older change must not undo a newer one
                accountWrites.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", e.accountId()),
                        Filters.or(Filters.exists("tier_version", false), Filters.lt("tier_version", event.sequence()))),
                        Updates.combine(Updates.set("tier", e.tier()), Updates.set("tier_version", event.sequence()))));
            } else if (event.data() instanceof RegistrationAttempted e) {
                // each notice once: a replayed one finds its sequence applied already
                accountWrites.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", e.accountId()),
                        Filters.or(Filters.exists("notices_version", false), Filters.lt("notices_version", event.sequence()))),
                        Updates.combine(Updates.pushEach("notices", List.of(new Document("type", "registration_attempted").append("at", at)),
                                new PushOptions().slice(-NOTICES)), Updates.set("notices_version", event.sequence()))));
            } else if (event.data() instanceof ApiKeyRevoked e) {
                keyWrites.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", e.keyHash()), Filters.exists("revoked_at", false)),
                        Updates.set("revoked_at", at)));
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
        createIndexes();
    }
}
