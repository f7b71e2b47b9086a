package ai.soul.projections.account;

import ai.soul.schemas.account.KeyDirectory;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static ai.soul.projections.account.ApiKeyDocument.ACCOUNT_ID;
import static ai.soul.projections.account.ApiKeyDocument.CREATED_AT;
import static ai.soul.projections.account.ApiKeyDocument.KEY_ID;

/** Reads of the account read models. */
@Component
public class Accounts implements KeyDirectory {

    private final MongoCollection<AccountDocument> accounts;
    private final MongoCollection<ApiKeyDocument> apiKeys;

    public Accounts(MongoDatabase db) {
        this.accounts = db.getCollection(AccountDocument.COLLECTION, AccountDocument.class);
        this.apiKeys = db.getCollection(ApiKeyDocument.COLLECTION, ApiKeyDocument.class);
    }

    /** The unrevoked key with this SHA-256 hash, by _id, so it stays fast as keys grow. */
    @Override
    public Optional<Key> activeKey(String keyHash) {
        ApiKeyDocument key = apiKeys.find(Filters.eq("_id", keyHash)).first();
        return key == null || key.revokedAt() != null ? Optional.empty() : Optional.of(new Key(key.accountId(), key.keyId()));
    }

    /** The hash of one of the account's keys, revoked or not; empty for another account's key. */
    public Optional<String> keyHash(String accountId, String keyId) {
        ApiKeyDocument key = apiKeys.find(Filters.eq(KEY_ID, keyId)).first();
        return key == null || !accountId.equals(key.accountId()) ? Optional.empty() : Optional.of(key.hash());
    }

    /** The account's keys, newest first. */
    public List<ApiKeyDocument> keysOf(String accountId, int skip, int limit) {
        return apiKeys.find(Filters.eq(ACCOUNT_ID, accountId)).sort(Sorts.descending(CREATED_AT, KEY_ID))
                .skip(skip).limit(limit).into(new ArrayList<>());
    }

    public long countKeys(String accountId) {
        return apiKeys.countDocuments(Filters.eq(ACCOUNT_ID, accountId));
    }

    /** The account's tier, by _id. */
    @Override
    public Optional<String> tierOf(String accountId) {
        AccountDocument account = accounts.find(Filters.eq("_id", accountId)).projection(Projections.include(AccountDocument.TIER)).first();
        return account == null ? Optional.empty() : Optional.ofNullable(account.tier());
    }

    /** The account, by _id. */
    public Optional<AccountDocument> profile(String accountId) {
        return Optional.ofNullable(accounts.find(Filters.eq("_id", accountId)).first());
    }
}
