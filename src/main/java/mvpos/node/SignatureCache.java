package mvpos.node;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mvpos.chain.Transaction;
import mvpos.state.StateTransition;

/**
 * Remembers which transactions had a valid signature, so that no signature is verified twice: once
 * on arrival in the mempool, or once, in parallel on every core, when a block is imported; the
 * state transition then asks this cache instead of verifying again.
 *
 * <p>Bounded: the oldest entries are forgotten first (a forgotten signature is simply verified
 * again). Thread-safe.
 */
public final class SignatureCache implements StateTransition.SignatureCheck {
    private final Map<String, Boolean> verified;

    public SignatureCache(int capacity) {
        this.verified = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
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
        String key = tx.hashHex(); // covers every field and the signature
        if (verified.containsKey(key)) {
            return true;
        }
        boolean valid = tx.hasValidSignature();
        if (valid) {
            verified.put(key, Boolean.TRUE);
        }
        return valid;
    }

    public int size() {
        return verified.size();
    }
}
