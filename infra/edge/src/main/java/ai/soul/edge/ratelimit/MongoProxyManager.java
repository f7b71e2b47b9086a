package ai.soul.edge.ratelimit;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import org.bson.Document;
import org.bson.types.Binary;

import java.util.Date;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bucket4j buckets in a MongoDB collection, one document per key:
 * {@code {_id: key, state: <Bucket4j's bytes>, version: n, expiresAt: date}}. Every instance of the API
 * works on the same documents, so they share one limit.
 *
 * <p>Compare-and-swap: the state is read with its version, and the new state is written only by an
 * update whose filter names that version (and increments it); an update that matched nothing lost a race
 * and Bucket4j reads again and retries. A missing bucket is created by an insert, and a duplicate-key
 * error means another instance created it first (a lost race too). The version, not the state bytes, is
 * compared: a number is cheaper to match than a binary, and equal bytes written twice (ABA) stay distinct.
 *
 * <p>{@code expiresAt} (Bucket4j's expire-after-write strategy) carries a TTL index, so MongoDB removes a
 * bucket once it would be full again anyway; a bucket that is not there is created full.
 */
public class MongoProxyManager extends AbstractCompareAndSwapBasedProxyManager<String> {

    private static final long INDEX_TIMEOUT_SECONDS = 120;

    private final MongoCollection<Document> buckets;
    private final ExpirationAfterWriteStrategy expiration;

    public MongoProxyManager(MongoCollection<Document> buckets, ClientSideConfig config) {
        super(config);
        this.buckets = buckets;
        this.expiration = config.getExpirationAfterWriteStrategy().orElse(null);
        // at start-up, not under a request's short timeout: a busy machine took longer and the start failed
        MongoCollection<Document> untimed = buckets.withTimeout(INDEX_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        untimed.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
        untimed.createIndex(Indexes.compoundIndex(Indexes.ascending("_id"), Indexes.ascending("version")), new IndexOptions().unique(true));
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
        // one operation serves every retry of one request: getStateData, then compareAndSwap, again on a lost race
        return new CompareAndSwapOperation() {
            private long version;

            @Override
            public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
                Document bucket = buckets.find(Filters.eq("_id", key)).first();
                if (bucket == null) {
                    version = 0;
                    return Optional.empty();
                }
                version = bucket.getLong("version");
                return Optional.of(bucket.get("state", Binary.class).getData());
            }

            @Override
            public boolean compareAndSwap(byte[] originalData, byte[] newData, RemoteBucketState newState, Optional<Long> timeoutNanos) {
                Date expiresAt = expiresAt(newState);
                if (originalData == null) {
                    try {
                        buckets.insertOne(new Document("_id", key).append("state", new Binary(newData))
                                .append("version", 1L).append("expiresAt", expiresAt));
                        return true;
                    } catch (MongoWriteException e) {
                        if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                            return false;
                        }
                        throw e;
                    }
                }
                // a plain {_id, version} document, served by the unique index on both (Filters.and renders $and,
                // which the embedded server serves from no index)
                return buckets.updateOne(new Document("_id", key).append("version", version),
                        Updates.combine(Updates.set("state", new Binary(newData)), Updates.set("version", version + 1),
                                Updates.set("expiresAt", expiresAt))).getMatchedCount() == 1;
            }
        };
    }

    private Date expiresAt(RemoteBucketState state) {
        if (expiration == null) {
            return null;
        }
        long now = currentTimeNanos();
        return new Date(TimeUnit.NANOSECONDS.toMillis(now) + expiration.calculateTimeToLiveMillis(state, now));
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
        throw new UnsupportedOperationException("MongoProxyManager works with the synchronous driver only");
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String key) {
        throw new UnsupportedOperationException("MongoProxyManager works with the synchronous driver only");
    }

    @Override
    public void removeProxy(String key) {
        buckets.deleteOne(Filters.eq("_id", key));
    }

    @Override
    public boolean isAsyncModeSupported() {
        return false;
    }

    @Override
    public boolean isExpireAfterWriteSupported() {
        return true;
    }
}
