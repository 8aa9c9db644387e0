package mvpos.node;

import mvpos.crypto.HashKey;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.chain.Transaction;
import mvpos.crypto.Ed25519;
import mvpos.crypto.Sha256;
import mvpos.state.StateTransition;

/**
 * Remembers which signatures were valid, so that none is verified twice: a transaction's once on
 * arrival in the mempool, or once, in parallel on every core, when a block is imported (the state
 * transition then asks this cache); a seal or a reveal once, however many times its block arrives.
 * Nodes of one process (a devnet) may share one cache.
 *
 * <p>Bounded: the oldest entries are forgotten first (a forgotten signature is simply verified
 * again). Thread-safe.
 */
public final class SignatureCache implements StateTransition.SignatureCheck {
    private static final byte[] RAW_TAG = "mvpos.sigcache.raw.v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final Map<HashKey, Boolean> verified;
    private final java.util.concurrent.atomic.LongAdder checks = new java.util.concurrent.atomic.LongAdder();
    private final mvpos.chain.ChainDomain domain;

    /** A cache for the signatures of one chain (transactions and votes commit to its domain). */
    public SignatureCache(mvpos.chain.ChainDomain domain, int capacity) {
        this.domain = domain;
        this.verified = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<HashKey, Boolean> eldest) {
                return size() > capacity;
            }
        });
    }

    /** Verifies, in parallel, every signature not yet known to be valid. */
    public void verifyAll(List<Transaction> transactions) {
        transactions.parallelStream().forEach(this::isValid);
    }

    @Override
    public boolean isValid(Transaction tx) {
        // The hash covers every field and the signature.
        return remembered(HashKey.of(tx.hash()), () -> tx.hasValidSignature(domain));
    }

    /** A check made once: true when {@code key} is known valid, else the check's verdict, remembered when true. */
    private boolean remembered(HashKey key, java.util.function.BooleanSupplier check) {
        if (verified.containsKey(key)) {
            return true;
        }
        checks.increment();
        boolean valid = check.getAsBoolean();
        if (valid) {
            verified.put(key, Boolean.TRUE);
        }
        return valid;
    }

    /**
     * Whether a finality vote is signed by its validator for this chain (verified once; remembered by the
     * vote's hash, which covers every field and the signature: the cache serves one chain).
     */
    public boolean isValid(mvpos.chain.Vote vote) {
        return vote.chainId().equals(domain.chainId())
                && remembered(vote.hashKey(), () -> vote.hasValidSignature(domain));
    }

    @Override
    public boolean isValid(mvpos.chain.Vote vote, mvpos.chain.ChainDomain voteDomain) {
        return voteDomain.equals(domain) ? isValid(vote) : vote.hasValidSignature(voteDomain);
    }

    /** This cache, with transactions whose signatures were checked already (in parallel) taken as valid. */
    public StateTransition.SignatureCheck withPrechecked(java.util.Set<Transaction> known) {
        SignatureCache cache = this;
        return new StateTransition.SignatureCheck() {
            @Override
            public boolean isValid(Transaction tx) {
                return known.contains(tx) || cache.isValid(tx);
            }

            @Override
            public boolean isValid(mvpos.chain.Vote vote, mvpos.chain.ChainDomain voteDomain) {
                return cache.isValid(vote, voteDomain);
            }
        };
    }

    public mvpos.chain.ChainDomain domain() {
        return domain;
    }

    /** Verifies an Ed25519 signature of {@code message} by {@code publicKey}, once. */
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(RAW_TAG);
        digest.update(publicKey);
        digest.update(signature);
        digest.update(message);
        return remembered(HashKey.of(digest.digest()), () -> Ed25519.verify(publicKey, message, signature));
    }

    /** How many signatures this cache has actually verified (not answered from memory) since it was made. */
    public long verifications() {
        return checks.sum();
    }

    public int size() {
        return verified.size();
    }
}
