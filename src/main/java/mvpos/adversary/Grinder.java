package mvpos.adversary;

import java.nio.ByteBuffer;
import java.util.function.Predicate;
import mvpos.crypto.Sha256;

/**
 * A grinding proposer: when the next leader is drawn from something the proposer's own block decides
 * (a naive engine that seeds its lottery with the parent hash), it tries many variants of its block
 * (another nonce, another order of transactions, another timestamp: each gives another hash) and
 * publishes one that makes itself the next leader too. With {@code attempts} tries and stake share s,
 * it keeps the slot with probability {@code 1 - (1-s)^attempts}.
 */
public final class Grinder {
    private final int attempts;

    public Grinder(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("a grinder tries at least one block");
        }
        this.attempts = attempts;
    }

    /** The hash of variant {@code nonce} of the block at {@code slot} on {@code parent}. */
    public static byte[] variant(byte[] parent, long slot, int nonce) {
        return Sha256.hash(ByteBuffer.allocate(parent.length + 12).put(parent).putLong(slot).putInt(nonce).array());
    }

    /**
     * The block the grinder publishes: the first of its variants whose hash {@code leadsNext} accepts
     * (it is drawn as the next leader), or the first variant when none is.
     */
    public byte[] choose(byte[] parent, long slot, Predicate<byte[]> leadsNext) {
        for (int nonce = 0; nonce < attempts; nonce++) {
            byte[] candidate = variant(parent, slot, nonce);
            if (leadsNext.test(candidate)) {
                return candidate;
            }
        }
        return variant(parent, slot, 0);
    }

    public int attempts() {
        return attempts;
    }
}
