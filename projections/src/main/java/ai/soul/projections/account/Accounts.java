package ai.soul.projections.account;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;

import java.util.Optional;

/** Reads of the account read models. */
public class Accounts {

    static final String ACCOUNTS = "accounts";
    static final String API_KEYS = "api_keys";

    private final MongoCollection<Document> apiKeys;

    public Accounts(MongoDatabase db) {
        this.apiKeys = db.getCollection(API_KEYS);
    }

    /** The account that owns the key with this SHA-256 hash; by _id, so it stays fast as keys grow. */
    public Optional<String> accountForKey(String keyHash) {
        Document key = apiKeys.find(Filters.eq("_id", keyHash)).first();
        return key == null || key.get("revoked_at") != null ? Optional.empty() : Optional.of(key.getString("account_id"));
    }
}
