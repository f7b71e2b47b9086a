package ai.soul.edge.auth;

import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.schemas.account.KeyDirectory;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.Optional;

/**
 * Who a credential names. Lookups are cached, since looking a key up in MongoDB on every request was
 * a tenth of the CPU of a write; a revoked key or a changed tier is forgotten at once in this process
 * ({@link #forgetKey}, {@link #forgetAccount}, called by the write that caused it and by
 * {@link AccountChangesListener} for the writes of other instances), and in any case after {@link #TTL}.
 */
public class Callers {

    static final Duration TTL = Duration.ofSeconds(10);

    private final KeyDirectory accounts;
    private final ReadYourWrites readYourWrites;
    private final AccessTokens tokens;
    private final Cache<String, Caller> byKeyHash = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(TTL).build();
    private final Cache<String, String> tierByAccount = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(TTL).build();

    public Callers(KeyDirectory accounts, ReadYourWrites readYourWrites, AccessTokens tokens) {
        this.accounts = accounts;
        this.readYourWrites = readYourWrites;
        this.tokens = tokens;
    }

    /** The caller behind a bearer value or X-API-Key: an API key, or an access token of ours. */
    public Optional<Caller> forCredential(String credential) {
        if (!credential.startsWith(ApiKeys.PREFIX) && AccessTokens.looksLikeJwt(credential)) {
            return tokens.verify(credential).map(token -> new Caller(token.accountId(), tierOf(token.accountId(), token.tier()), null));
        }
        String hash = ApiKeys.hash(credential);
        Caller caller = byKeyHash.getIfPresent(hash);
        if (caller == null) {
            // a key issued (or revoked) a moment ago may not be in the read model yet
            readYourWrites.awaitFor(ReadYourWrites.keyReader(hash));
            KeyDirectory.Key key = accounts.activeKey(hash).orElse(null);
            if (key == null) {
                return Optional.empty();
            }
            readYourWrites.awaitFor(ReadYourWrites.tierReader(key.accountId()));
            String tier = accounts.tierOf(key.accountId()).orElse(null);
            if (tier == null) {
                return Optional.empty();
            }
            caller = new Caller(key.accountId(), tier, key.keyId());
            byKeyHash.put(hash, caller);
        }
        return Optional.of(caller);
    }

    /** The tier in the read model; the token's own until the read model holds the account. */
    private String tierOf(String accountId, String tokenTier) {
        String tier = tierByAccount.getIfPresent(accountId);
        if (tier == null) {
            tier = accounts.tierOf(accountId).orElse(null);
            if (tier == null) {
                return tokenTier;
            }
            tierByAccount.put(accountId, tier);
        }
        return tier;
    }

    public void forgetKey(String keyHash) {
        byKeyHash.invalidate(keyHash);
    }

    public void forgetAccount(String accountId) {
        tierByAccount.invalidate(accountId);
        byKeyHash.asMap().values().removeIf(caller -> caller.accountId().equals(accountId));
    }
}
