package mvpos.consensus.forkchoice;

import java.util.Optional;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ForkChoice;

/**
 * Heaviest chain (Nakamoto's rule; "longest" when every block weighs one): the head is the block whose
 * chain from the tree's first block has the greatest total weight, as the engine weighs blocks (work
 * for proof of work, one per block for slot engines). On a tie, by its {@code tieBreak} parameter:
 * {@code first-seen} (the default) keeps the head, so the block seen first wins; {@code uniform} keeps
 * the block a per-node coin prefers ({@link UniformTieBreak}), whatever the order of arrival.
 */
public final class HeaviestChain implements ForkChoice {
    public static final String NAME = "heaviest";
    /** Another name for the same rule. */
    public static final String ALIAS = "longest";
    /** The parameter that chooses how ties are broken. */
    public static final String TIE_BREAK = "tieBreak";
    public static final String FIRST_SEEN = "first-seen";
    public static final String UNIFORM = "uniform";
    /** The rule with first-seen tie-breaking; it holds no state, so every node shares it. */
    public static final HeaviestChain INSTANCE = new HeaviestChain(null);

    private final UniformTieBreak uniform;

    private HeaviestChain(UniformTieBreak uniform) {
        this.uniform = uniform;
    }

    /** A fresh rule for one node that breaks ties uniformly at random, with a secret of its own. */
    public static HeaviestChain uniform() {
        return new HeaviestChain(new UniformTieBreak());
    }

    /** The uniform tie-break this rule uses, empty for first-seen. */
    public Optional<UniformTieBreak> uniformTieBreak() {
        return Optional.ofNullable(uniform);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockTree.Entry afterAdd(BlockTree tree, BlockTree.Entry added, BlockTree.Entry current) {
        return better(added, current) && (!tree.anchored() || tree.descendsFrom(added, tree.anchor())) ? added : current;
    }

    @Override
    public BlockTree.Entry choose(BlockTree tree, BlockTree.Entry current) {
        BlockTree.Entry anchor = tree.anchor();
        BlockTree.Entry best = !tree.anchored() || tree.descendsFrom(current, anchor) ? current : anchor;
        for (BlockTree.Entry entry : tree.entries()) {
            if (better(entry, best) && (!tree.anchored() || tree.descendsFrom(entry, anchor))) {
                best = entry;
            }
        }
        return best;
    }

    /** Whether {@code candidate} should replace {@code best}: heavier, or as heavy and preferred by the tie-break. */
    private boolean better(BlockTree.Entry candidate, BlockTree.Entry best) {
        int order = candidate.totalWeight().compareTo(best.totalWeight());
        return order > 0 || order == 0 && uniform != null && candidate != best && uniform.prefers(candidate, best);
    }
}
