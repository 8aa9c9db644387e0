package mvpos.node;

import java.util.Arrays;
import java.util.Optional;
import mvpos.chain.Header;
import mvpos.crypto.Hex;

/**
 * A checkpoint the node's operator trusts (weak subjectivity): the block that is the checkpoint of
 * {@code epoch} on the one chain this node will follow, given with {@code mvpos node --checkpoint
 * EPOCH:HASH} from a source outside the network (another node, a friend, a block explorer). Keys of
 * validators that withdrew long ago can sign a whole other history from far back (a long-range
 * attack), and a fresh node cannot tell it from the real one by the rules alone; the checkpoint can.
 *
 * <p>The rule, one comparison per block: a block whose slot is in {@code epoch} or later, and whose
 * parent's slot is before it, crosses the epoch's boundary, so its parent is its chain's checkpoint for
 * the epoch (the last block before the epoch) and must be {@code hash}. A block above the boundary
 * whose parent is above it too was let in by the same rule further down. Nothing of another history
 * crosses the boundary.
 */
public record WeakSubjectivityCheckpoint(long epoch, byte[] hash) {
    public WeakSubjectivityCheckpoint {
        if (epoch < 1) {
            throw new IllegalArgumentException("the checkpoint's epoch must be at least 1, got " + epoch);
        }
        if (hash.length != 32) {
            throw new IllegalArgumentException("the checkpoint's hash must be 32 bytes (64 hex digits)");
        }
        hash = hash.clone();
    }

    /** Reads {@code EPOCH:HASH} (HASH in hex); the message of the exception says what is wrong, in one line. */
    public static WeakSubjectivityCheckpoint parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a checkpoint is EPOCH:HASH, e.g. 12:3f9a... (64 hex digits), got '"
                    + text + "'");
        }
        long epoch;
        try {
            epoch = Long.parseLong(text.substring(0, colon).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the checkpoint's epoch is not a whole number: '"
                    + text.substring(0, colon) + "'");
        }
        byte[] hash;
        try {
            hash = Hex.decode(text.substring(colon + 1).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the checkpoint's hash is not hex: '" + text.substring(colon + 1) + "'");
        }
        return new WeakSubjectivityCheckpoint(epoch, hash);
    }

    /** Why {@code header} (on {@code parent}) leaves the trusted history, or empty. */
    Optional<BlockRejection> check(Header parent, Header header, long epochLength) {
        long boundary = Math.multiplyExact(epoch, epochLength);
        if (parent.slot() < boundary && header.slot() >= boundary && !Arrays.equals(header.parentHash(), hash)) {
            return Optional.of(new BlockRejection(BlockRejection.Reason.CONFLICTS_WITH_CHECKPOINT,
                    "its chain's checkpoint of epoch " + epoch + " is not the trusted " + Hex.encode(hash)));
        }
        return Optional.empty();
    }

    /** A canonical chain's header at a height, from a store. */
    interface Canonical {
        Optional<Header> at(long height) throws mvpos.chain.ChainStore.StoreException;
    }

    /**
     * Why a stored canonical chain up to {@code headHeight} leaves the trusted history, or empty: the first
     * of its blocks in the epoch or later (found by bisection, slots grow with height) must follow {@code hash}.
     */
    Optional<String> conflictIn(Canonical chain, long headHeight, long epochLength)
            throws mvpos.chain.ChainStore.StoreException {
        long boundary = Math.multiplyExact(epoch, epochLength);
        if (chain.at(headHeight).orElseThrow().slot() < boundary) {
            return Optional.empty(); // the stored chain has not reached the epoch yet
        }
        long low = 1;
        long high = headHeight; // the first block at or past the boundary is in (low - 1, high]
        while (low < high) {
            long mid = low + (high - low) / 2;
            if (chain.at(mid).orElseThrow().slot() >= boundary) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        Header first = chain.at(high).orElseThrow();
        if (Arrays.equals(first.parentHash(), hash)) {
            return Optional.empty();
        }
        return Optional.of("the stored chain's checkpoint of epoch " + epoch + " is "
                + Hex.encode(first.parentHash()) + ", not the trusted " + Hex.encode(hash)
                + "; start from an empty folder to sync the trusted chain");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WeakSubjectivityCheckpoint c && c.epoch == epoch && Arrays.equals(c.hash, hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(epoch) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return epoch + ":" + Hex.encode(hash);
    }
}
