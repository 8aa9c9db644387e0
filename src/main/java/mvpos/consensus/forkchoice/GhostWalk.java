package mvpos.consensus.forkchoice;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.consensus.BlockTree;
import mvpos.state.FinalityState;

/**
 * The greedy walk GHOST and LMD-GHOST share: from the anchor, step to the child whose subtree weighs
 * most, until a block without children. A subtree weighs first its votes (latest-message stake and any
 * proposer boost, for LMD-GHOST), then its blocks (the engine's weights: GHOST's measure, and
 * LMD-GHOST's tie-break); a tie keeps the current head's branch, then goes to the child added first.
 *
 * <p>With Casper FFG the walk runs over the filtered tree (the consensus specs' {@code filter_block_tree}):
 * a branch stays only when one of its leaves has the anchor (the store's justified checkpoint) as its own
 * state's justified checkpoint. When no leaf qualifies (the anchor was moved up by a long stall, not
 * justified), nothing is filtered.
 */
final class GhostWalk {
    private GhostWalk() {
    }

    /**
     * @param ownVotes the vote weight resting on each block itself (by identity; absent means none)
     */
    static BlockTree.Entry walk(BlockTree tree, BlockTree.Entry current, Map<BlockTree.Entry, Long> ownVotes) {
        BlockTree.Entry anchor = tree.anchor();
        List<BlockTree.Entry> all = new ArrayList<>(tree.entries());
        Map<BlockTree.Entry, Integer> index = new IdentityHashMap<>(all.size() * 2);
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i), i);
        }
        int n = all.size();
        long[] votes = new long[n];
        BigInteger[] blocks = new BigInteger[n];
        boolean[] hasChild = new boolean[n];
        boolean[] viable = new boolean[n];
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            BlockTree.Entry e = all.get(i);
            Integer p = tree.entry(e.header().parentHash()).map(index::get).orElse(null);
            parent[i] = p == null ? -1 : p;
            votes[i] = ownVotes.getOrDefault(e, 0L);
            blocks[i] = p == null ? BigInteger.ZERO : e.totalWeight().subtract(all.get(p).totalWeight());
        }
        // A parent is always added before its children: backwards, every subtree is complete when reached.
        for (int i = n - 1; i >= 0; i--) {
            if (!hasChild[i]) {
                viable[i] = justifiesAnchor(all.get(i), anchor);
            }
            int p = parent[i];
            if (p >= 0) {
                votes[p] += votes[i];
                blocks[p] = blocks[p].add(blocks[i]);
                hasChild[p] = true;
                viable[p] |= viable[i];
            }
        }
        boolean filter = viable[index.get(anchor)];
        Set<BlockTree.Entry> currentBranch = Collections.newSetFromMap(new IdentityHashMap<>());
        for (BlockTree.Entry at = current; at != null && at.height() >= anchor.height();
             at = tree.entry(at.header().parentHash()).orElse(null)) {
            currentBranch.add(at);
        }
        BlockTree.Entry at = anchor;
        while (true) {
            BlockTree.Entry best = null;
            for (BlockTree.Entry child : tree.children(at)) {
                int c = index.get(child);
                if (filter && !viable[c]) {
                    continue;
                }
                if (best == null || better(c, index.get(best), votes, blocks, currentBranch.contains(child))) {
                    best = child;
                }
            }
            if (best == null) {
                return at;
            }
            at = best;
        }
    }

    private static boolean better(int c, int b, long[] votes, BigInteger[] blocks, boolean onCurrentBranch) {
        if (votes[c] != votes[b]) {
            return votes[c] > votes[b];
        }
        int byBlocks = blocks[c].compareTo(blocks[b]);
        return byBlocks != 0 ? byBlocks > 0 : onCurrentBranch;
    }

    /** A leaf whose state names the anchor as its justified checkpoint (true without finality). */
    private static boolean justifiesAnchor(BlockTree.Entry leaf, BlockTree.Entry anchor) {
        java.util.Optional<FinalityState> finality = leaf.state().finality();
        return finality.isEmpty() || Arrays.equals(finality.get().currentJustified().hash(), anchor.hash());
    }
}
