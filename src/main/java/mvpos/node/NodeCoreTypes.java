package mvpos.node;

import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.Transaction;

/**
 * What {@link NodeCore} answers and tells its listeners: the outcome of a block or a vote offered to
 * it, the events it reports, and the work done on blocks before they reach it. {@code NodeCore}
 * implements this interface only to name these types, so they read {@code NodeCore.Added},
 * {@code NodeCore.HeadChanged} and so on.
 */
public sealed interface NodeCoreTypes permits NodeCore {
    /** What happened to a block offered to the node. */
    public sealed interface BlockResult permits Added, Known, Orphan, Early, Invalid {
    }

    /** Valid and added to the tree; {@code head} when it is the head afterwards. */
    public record Added(long height, String hash, boolean head) implements BlockResult {
    }

    /** Already in the tree. */
    public record Known(long height, String hash) implements BlockResult {
    }

    /** Its parent is unknown; the block is held until the parent arrives. */
    public record Orphan(long height, byte[] parentHash) implements BlockResult {
    }

    /** Its slot or timestamp is ahead of this node's clock; it is held and offered again when its time comes. */
    public record Early(long height, String reason) implements BlockResult {
    }

    public record Invalid(long height, BlockRejection rejection) implements BlockResult {
    }

    /** The head's latest justified or finalized checkpoint moved. */
    public record FinalityChanged(Checkpoint justified, Checkpoint finalized) {
    }

    /** What became of a vote offered to the node. */
    public sealed interface VoteOutcome permits VoteAccepted, VoteIgnored {
    }

    /** New to this node and countable on its target's chain (or waiting for its target): worth relaying. */
    public record VoteAccepted() implements VoteOutcome {
    }

    /**
     * A duplicate, or refused with a reason; {@code forged} when only a faulty or malicious signer or
     * relay sends such a vote (a bad signature, a lying source, a signer outside the dynasties).
     */
    public record VoteIgnored(String reason, boolean forged) implements VoteOutcome {
        public VoteIgnored(String reason) {
            this(reason, false);
        }
    }

    /** A head change, reported after it is stored: the new head and how many blocks were abandoned. */
    public record HeadChanged(Block head, int reorgDepth) {
    }

    /** A valid block added to the tree, on any fork; {@code head} when it is the head afterwards. */
    public record BlockAdded(Block block, boolean head) {
    }

    /** What became of the votes this node was offered, and how many the blocks it added carried. */
    public record VoteCounts(long accepted, long refused, long inBlocks) {
    }

    /**
     * Work done before a block reaches the node, in parallel: the transactions and votes whose
     * signature is known valid and the body root of each block (by identity).
     */
    public record Prechecked(Set<Transaction> validSignatures, Map<Block, byte[]> bodyRoots) {
        public static final Prechecked NONE = new Prechecked(Set.of(), Map.of());

        /** Verifies the signatures (through the cache) and computes the body roots of these blocks, in parallel. */
        public static Prechecked of(List<Block> blocks, SignatureCache signatures) {
            return Precheck.of(blocks, signatures);
        }
    }
}
