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
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static ai.soul.projections.account.AccountDocument.COMPANY_NAME;
import static ai.soul.projections.account.AccountDocument.EMAIL;
import static ai.soul.projections.account.AccountDocument.NAME;
import static ai.soul.projections.account.AccountDocument.NOTICES;
import static ai.soul.projections.account.AccountDocument.NOTICES_VERSION;
import static ai.soul.projections.account.AccountDocument.TIER;
import static ai.soul.projections.account.AccountDocument.TIER_VERSION;
import static ai.soul.projections.account.AccountDocument.VERSION;
import static ai.soul.projections.account.ApiKeyDocument.ACCOUNT_ID;
import static ai.soul.projections.account.ApiKeyDocument.KEY_ID;
import static ai.soul.projections.account.ApiKeyDocument.PREFIX;
import static ai.soul.projections.account.ApiKeyDocument.REVOKED_AT;

/** Accounts ({@link AccountDocument}) and their API keys ({@link ApiKeyDocument}), found by the hash of the key a request presents. */
@Component
public class AccountProjector implements Projector {

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    /** The notices an account shows, the latest; the account records at most one a day anyway. */
    static final int NOTICES_KEPT = 20;

    private final MongoCollection<AccountDocument> accounts;
    private final MongoCollection<ApiKeyDocument> apiKeys;

    public AccountProjector(MongoDatabase db) {
        this.accounts = db.getCollection(AccountDocument.COLLECTION, AccountDocument.class);
        this.apiKeys = db.getCollection(ApiKeyDocument.COLLECTION, ApiKeyDocument.class);
    }

    /** The embedded server uses an index only when a filter names exactly its keys: one per lookup. */
    @Override
    public void prepare() {
        apiKeys.createIndex(Indexes.ascending(ACCOUNT_ID));
        // unique, as the usage counters create it too (the same index twice must have the same options)
        apiKeys.createIndex(Indexes.ascending(KEY_ID), new IndexOptions().unique(true));
    }

    @Override
    public void apply(List<PublishedEvent<?>> batch) {
        List<WriteModel<AccountDocument>> accountWrites = new ArrayList<>();
        List<WriteModel<ApiKeyDocument>> keyWrites = new ArrayList<>();
        for (PublishedEvent<?> event : batch) {
            long seq = event.sequence();
            Instant at = event.time();
            if (event.data() instanceof AccountRegistered e) accountWrites.add(registered(e, seq, at));
            else if (event.data() instanceof AccountRegisteredByIdentity e) accountWrites.add(registered(e, seq, at));
            else if (event.data() instanceof TierChanged e) accountWrites.add(tierChanged(e, seq));
            else if (event.data() instanceof RegistrationAttempted e) accountWrites.add(registrationAttempted(e, seq, at));
            else if (event.data() instanceof ApiKeyIssued e) keyWrites.add(keyIssued(e, at));
            else if (event.data() instanceof ApiKeyRevoked e) keyWrites.add(keyRevoked(e, at));
        }
        BulkWrites.run(accounts, accountWrites);
        BulkWrites.run(apiKeys, keyWrites);
    }

    /** Created once: a replay of the creation finds the document and changes nothing. */
    private static WriteModel<AccountDocument> registered(AccountRegistered e, long seq, Instant at) {
        return new UpdateOneModel<>(Filters.eq("_id", e.accountId()), Updates.combine(
                Updates.setOnInsert(EMAIL, e.email()),
                Updates.setOnInsert(NAME, e.name()),
                Updates.setOnInsert(COMPANY_NAME, e.companyName()),
                Updates.setOnInsert(TIER, e.tier()),
                Updates.setOnInsert(AccountDocument.CREATED_AT, at),
                Updates.setOnInsert(VERSION, seq)), UPSERT);
    }

    private static WriteModel<AccountDocument> registered(AccountRegisteredByIdentity e, long seq, Instant at) {
        return new UpdateOneModel<>(Filters.eq("_id", e.accountId()), Updates.combine(
                Updates.setOnInsert(EMAIL, e.email()),
                Updates.setOnInsert(NAME, e.name()),
                Updates.setOnInsert(TIER, e.tier()),
                Updates.setOnInsert(AccountDocument.CREATED_AT, at),
                Updates.setOnInsert(VERSION, seq)), UPSERT);
    }

    /** A replayed older change must not undo a newer one. */
    private static WriteModel<AccountDocument> tierChanged(TierChanged e, long seq) {
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", e.accountId()),
                Filters.or(Filters.exists(TIER_VERSION, false), Filters.lt(TIER_VERSION, seq))),
                Updates.combine(Updates.set(TIER, e.tier()), Updates.set(TIER_VERSION, seq)));
    }

    /** Each notice once: a replayed one finds its sequence applied already. */
    private static WriteModel<AccountDocument> registrationAttempted(RegistrationAttempted e, long seq, Instant at) {
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", e.accountId()),
                Filters.or(Filters.exists(NOTICES_VERSION, false), Filters.lt(NOTICES_VERSION, seq))),
                Updates.combine(Updates.pushEach(NOTICES, List.of(new AccountDocument.Notice("registration_attempted", at)),
                        new PushOptions().slice(-NOTICES_KEPT)), Updates.set(NOTICES_VERSION, seq)));
    }

    private static WriteModel<ApiKeyDocument> keyIssued(ApiKeyIssued e, Instant at) {
        return new UpdateOneModel<>(Filters.eq("_id", e.keyHash()), Updates.combine(
                Updates.setOnInsert(KEY_ID, e.keyId()),
                Updates.setOnInsert(ACCOUNT_ID, e.accountId()),
                Updates.setOnInsert(PREFIX, e.prefix()),
                Updates.setOnInsert(ApiKeyDocument.CREATED_AT, at)), UPSERT);
    }

    private static WriteModel<ApiKeyDocument> keyRevoked(ApiKeyRevoked e, Instant at) {
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", e.keyHash()), Filters.exists(REVOKED_AT, false)),
                Updates.set(REVOKED_AT, at));
    }

    @Override
    public void reset() {
        accounts.drop();
        apiKeys.drop();
        prepare();
    }
}
