package mvpos.consensus.forkchoice;

import java.util.Map;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ForkChoice;

/**
 * GHOST (Sompolinsky and Zohar, "Secure High-Rate Transaction Processing in Bitcoin", 2015): from the
 * anchor, follow the child whose subtree holds the most block weight (blocks for slot engines, work for
 * proof of work), so that blocks on abandoned siblings still count for the branch they build on. With
 * Casper FFG it walks the filtered tree ({@link GhostWalk}).
 */
public final class Ghost implements ForkChoice {
    public static final String NAME = "ghost";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BlockTree.Entry choose(BlockTree tree, BlockTree.Entry current) {
        return GhostWalk.walk(tree, current, Map.of());
    }
}
