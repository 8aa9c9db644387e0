package mvpos.node;

import java.math.BigInteger;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.consensus.BlockTree;
import mvpos.state.FinalityState;
import mvpos.state.State;

/**
 * What a reader of a node's chain sees, all of it derived from the node's block tree (recent blocks on
 * every fork, with their states) and its store (the canonical chain): the head, its state and finality,
 * blocks by height or hash. {@link NodeCore} answers these from the loop's thread.
 */
public interface ChainReads {
    /** The node's block tree. */
    BlockTree tree();

    /** The node's store. */
    ChainStore store();

    default Block head() {
        return tree().head().block();
    }

    default State headState() {
        return tree().head().state();
    }

    /** The head state's finality, on a chain with Casper FFG. */
    default Optional<FinalityState> headFinality() {
        return headState().finality();
    }

    /** The block at {@code height} on the canonical chain (from the store). */
    default Optional<Block> blockAt(long height) throws ChainStore.StoreException {
        return store().blockAt(height);
    }

    /** A known block by hash: in the tree, or in the store. */
    default Optional<Block> blockByHash(byte[] hash) throws ChainStore.StoreException {
        Optional<BlockTree.Entry> entry = tree().entry(hash);
        return entry.isPresent() ? Optional.of(entry.get().block()) : store().blockByHash(hash);
    }

    /** The total weight of the head's chain, counted from the tree's first block. */
    default BigInteger headWeight() {
        return tree().head().totalWeight();
    }
}
