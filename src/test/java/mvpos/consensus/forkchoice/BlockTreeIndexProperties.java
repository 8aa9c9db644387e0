package mvpos.consensus.forkchoice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mvpos.consensus.BlockTree;
import mvpos.consensus.ChainView;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The block tree's indexes (blocks by hash, children, heights to forget) against a model, on trees with
 * forks that grow past {@link ChainView#STATE_HISTORY} heights, so that old heights are forgotten: a
 * block is held exactly when its height is at least the tree's lowest, is found by its hash as the
 * entry added, and its children are those added on it, in order.
 */
class BlockTreeIndexProperties {

    @Property(tries = 20)
    void theTreeHoldsWhatWasAddedAboveItsLowestHeight(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 9) Integer> choices) {
        HandBuiltTree built = new HandBuiltTree(new long[] {1}, false);
        BlockTree tree = built.tree;
        List<BlockTree.Entry> added = new ArrayList<>();
        Map<BlockTree.Entry, List<BlockTree.Entry>> children = new IdentityHashMap<>();
        added.add(built.root());
        int blocks = ChainView.STATE_HISTORY * 2 + 200;
        for (int i = 0; i < blocks; i++) {
            int choice = choices.get(i % choices.size());
            // At least two blocks in three on the head (so it moves and old heights are forgotten), the others
            // on the head or on a block up to three below it.
            BlockTree.Entry parent = tree.head();
            for (int back = 0; i % 3 == 0 && back < choice - 6 && parent.height() > tree.lowestHeight(); back++) {
                parent = tree.entry(parent.header().parentHash()).orElseThrow();
            }
            BlockTree.Entry entry = built.add(parent);
            added.add(entry);
            children.computeIfAbsent(parent, p -> new ArrayList<>()).add(entry);
            assertThat(tree.contains(entry.hash())).isTrue();
            if (i % 37 == 0 || i == blocks - 1) {
                for (BlockTree.Entry e : added) {
                    boolean held = e.height() >= tree.lowestHeight();
                    assertThat(tree.contains(e.hash())).as("block %d held", e.height()).isEqualTo(held);
                    if (held) {
                        assertThat(tree.entry(e.hash())).containsSame(e);
                        assertThat(tree.children(e)).containsExactlyElementsOf(children.getOrDefault(e, List.of()));
                    } else {
                        assertThat(tree.entry(e.hash())).isEmpty();
                        assertThat(tree.children(e)).isEmpty();
                    }
                }
                assertThat(tree.size()).isEqualTo((int) added.stream().filter(e -> e.height() >= tree.lowestHeight()).count());
            }
        }
        assertThat(tree.lowestHeight()).isPositive();
        assertThat(tree.contains(new byte[32])).isFalse();
    }
}
