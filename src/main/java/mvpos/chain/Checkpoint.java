package mvpos.chain;

import java.util.Arrays;
import mvpos.crypto.Hex;

/**
 * A Casper FFG checkpoint: an epoch and the block that is that epoch's checkpoint on its chain (the
 * last block before the epoch's first slot; genesis for epoch 0).
 */
public record Checkpoint(long epoch, byte[] hash) {
    /** Stands for the genesis block in the genesis state, whose hash cannot be known inside it. */
    public static final byte[] GENESIS_PLACEHOLDER = new byte[32];

    public Checkpoint {
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Whether this is the checkpoint {@code (epoch, hash)}. */
    public boolean is(long otherEpoch, byte[] otherHash) {
        return epoch == otherEpoch && Arrays.equals(hash, otherHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.epoch == epoch && Arrays.equals(c.hash, hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(epoch) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return epoch + ":" + Hex.encode(hash).substring(0, 16);
    }
}
