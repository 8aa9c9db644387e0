package mvpos.consensus.forkchoice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import mvpos.consensus.BlockTree;
import mvpos.crypto.Sha256;

/**
 * Uniform tie-breaking between blocks of equal weight (Eyal and Sirer 2014, Majority is not Enough,
 * section 6): of two heads of equal weight a node keeps the one whose {@code SHA-256(secret || hash)} is
 * lower, {@code secret} being the node's own. For a secret no one else knows each tie is a fair coin,
 * and nodes with different secrets toss independently; so a pool that withholds blocks and races an
 * honest block wins a tie with half the other nodes whatever its place in the network ({@code gamma =
 * 1/2}), not with those it reaches first. Which block a node saw first does not matter; a heavier block
 * still wins outright, so nodes converge as soon as one branch is ahead.
 *
 * <p>A node is given its secret by {@link #seed} (a validator derives it from its key: {@link #secretOf});
 * until then it uses one fixed secret, the same on every unseeded node.
 */
public final class UniformTieBreak {
    private static final byte[] TAG = "mvpos uniform tie-break".getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNSEEDED = Sha256.hash(TAG);

    private byte[] secret = UNSEEDED;

    /** The node's secret: from now on ties are broken with it. */
    public void seed(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("a tie-break secret must have at least one byte");
        }
        this.secret = secret.clone();
    }

    /** A secret derived from private bytes (a key's seed): {@code SHA-256(tag || bytes)}, which reveals nothing of them. */
    public static byte[] secretOf(byte[] privateBytes) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(TAG);
        digest.update(privateBytes);
        return digest.digest();
    }

    /** Whether {@code candidate} wins the tie against {@code incumbent} (both of equal weight) at this node. */
    public boolean prefers(BlockTree.Entry candidate, BlockTree.Entry incumbent) {
        return Arrays.compareUnsigned(rank(candidate.hash()), rank(incumbent.hash())) < 0;
    }

    /** The block's place in this node's order of ties: {@code SHA-256(secret || hash)}. */
    byte[] rank(byte[] hash) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(secret);
        digest.update(hash);
        return digest.digest();
    }
}
