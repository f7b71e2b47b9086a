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

    private final MongoCollection<Document> accounts;
    private final MongoCollection<Document> apiKeys;

    public Accounts(MongoDatabase db) {
        this.accounts = db.getCollection(ACCOUNTS);
        this.apiKeys = db.getCollection(API_KEYS);
    }

    /** Who presents a key: its account, that account's tier, and the key's id. */
    public record KeyOwner(String accountId, String tier, String keyId) {
    }

    /** The owner of the unrevoked key with this SHA-256 hash. */
    public Optional<KeyOwner> callerForKey(String keyHash) {
        Document key = apiKeys.find(Filters.eq("_id", keyHash)).first();
        if (key == null || key.get("revoked_at") != null) {
            return Optional.empty();
        }
        String accountId = key.getString("account_id");
        return tierOf(accountId).map(tier -> new KeyOwner(accountId, tier, key.getString("key_id")));
    }

    /** The account's tier, by _id. */
    public Optional<String> tierOf(String accountId) {
        Document account = accounts.find(Filters.eq("_id", accountId)).projection(new Document("tier", 1)).first();
        return account == null ? Optional.empty() : Optional.ofNullable(account.getString("tier"));
    }

    /** What an account shows of itself. */
    public record Profile(String id, String email, String name, String tier, java.time.Instant createdAt) {
    }

    /** The account, by _id. */
    public Optional<Profile> profile(String accountId) {
        Document account = accounts.find(Filters.eq("_id", accountId)).first();
        return account == null ? Optional.empty() : Optional.of(new Profile(accountId, account.getString("email"),
                account.getString("name"), account.getString("tier"),
                account.getDate("created_at") == null ? null : account.getDate("created_at").toInstant()));
    }

    /** The account that owns the key with this SHA-256 hash; by _id, so it stays fast as keys grow. */
    public Optional<String> accountForKey(String keyHash) {
        Document key = apiKeys.find(Filters.eq("_id", keyHash)).first();
        return key == null || key.get("revoked_at") != null ? Optional.empty() : Optional.of(key.getString("account_id"));
    }
}
