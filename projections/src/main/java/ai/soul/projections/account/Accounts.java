package ai.soul.projections.account;

import ai.soul.schemas.account.KeyDirectory;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of the account read models. */
@Component
public class Accounts implements KeyDirectory {

    static final String ACCOUNTS = "accounts";
    static final String API_KEYS = "api_keys";

    private final MongoCollection<Document> accounts;
    private final MongoCollection<Document> apiKeys;

    public Accounts(MongoDatabase db) {
        this.accounts = db.getCollection(ACCOUNTS);
        this.apiKeys = db.getCollection(API_KEYS);
    }

    /** The unrevoked key with this SHA-256 hash, by _id, so it stays fast as keys grow. */
    @Override
    public Optional<Key> activeKey(String keyHash) {
        Document key = apiKeys.find(Filters.eq("_id", keyHash)).first();
        return key == null || key.get("revoked_at") != null ? Optional.empty()
                : Optional.of(new Key(key.getString("account_id"), key.getString("key_id")));
    }

    /** The hash of one of the account's keys, revoked or not; empty for another account's key. */
    public Optional<String> keyHash(String accountId, String keyId) {
        Document key = apiKeys.find(Filters.eq("key_id", keyId)).first();
        return key == null || !accountId.equals(key.getString("account_id")) ? Optional.empty() : Optional.of(key.getString("_id"));
    }

    /** The account's keys, newest first. */
    public List<Document> keysOf(String accountId, int skip, int limit) {
        return apiKeys.find(Filters.eq("account_id", accountId)).sort(new Document("created_at", -1).append("key_id", -1))
                .skip(skip).limit(limit).into(new ArrayList<>());
    }

    public long countKeys(String accountId) {
        return apiKeys.countDocuments(Filters.eq("account_id", accountId));
    }


    /** The account's tier, by _id. */
    @Override
    public Optional<String> tierOf(String accountId) {
        Document account = accounts.find(Filters.eq("_id", accountId)).projection(new Document("tier", 1)).first();
        return account == null ? Optional.empty() : Optional.ofNullable(account.getString("tier"));
    }

    /** What an account shows of itself; its notices newest first. */
    public record Profile(String id, String email, String name, String companyName, String tier, java.time.Instant createdAt,
                          List<Notice> notices) {
    }

    /** Something the account's holder is told: {@code registration_attempted} (someone registered with its address). */
    public record Notice(String type, java.time.Instant at) {
    }

    /** The account, by _id. */
    public Optional<Profile> profile(String accountId) {
        Document account = accounts.find(Filters.eq("_id", accountId)).first();
        if (account == null) {
            return Optional.empty();
        }
        List<Notice> notices = new ArrayList<>();
        for (Document notice : account.getList("notices", Document.class, List.of())) {
            notices.add(0, new Notice(notice.getString("type"), notice.getDate("at").toInstant()));
        }
        return Optional.of(new Profile(accountId, account.getString("email"),
                account.getString("name"), account.getString("company_name"), account.getString("tier"),
                account.getDate("created_at") == null ? null : account.getDate("created_at").toInstant(), notices));
    }
}
