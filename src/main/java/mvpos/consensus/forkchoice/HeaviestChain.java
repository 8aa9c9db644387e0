package mvpos.consensus.forkchoice;

import mvpos.consensus.BlockTree;
import mvpos.consensus.ForkChoice;

/**
 * Heaviest chain (Nakamoto's rule; "longest" when every block weighs one): the head is the block whose
 * chain from the tree's first block has the greatest total weight, as the engine weighs blocks (work
 * for proof of work, one per block for slot engines). On a tie the head stays: the block seen first wins.
 */
public final class HeaviestChain implements ForkChoice {
    public static final String NAME = "heaviest";
    /** Another name for the same rule. */
    public static final String ALIAS = "longest";
    public static final HeaviestChain INSTANCE = new HeaviestChain();

    private HeaviestChain() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockTree.Entry afterAdd(BlockTree tree, BlockTree.Entry added, BlockTree.Entry current) {
        boolean heavier = added.totalWeight().compareTo(current.totalWeight()) > 0;
        return heavier && (!tree.anchored() || tree.descendsFrom(added, tree.anchor())) ? added : current;
    }

    @Override
    public BlockTree.Entry choose(BlockTree tree, BlockTree.Entry current) {
        BlockTree.Entry anchor = tree.anchor();
        BlockTree.Entry best = !tree.anchored() || tree.descendsFrom(current, anchor) ? current : anchor;
        for (BlockTree.Entry entry : tree.entries()) {
            if (entry.totalWeight().compareTo(best.totalWeight()) > 0
                    && (!tree.anchored() || tree.descendsFrom(entry, anchor))) {
                best = entry;
            }
        }
        return best;
    }
}
