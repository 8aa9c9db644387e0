package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.consensus.ChainView;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without finality, fork choice follows the most work at any depth the store holds: two proof-of-work
 * partitions that diverge by more than the blocks a node keeps in its tree still reconverge on the
 * heavier side once they hear of each other.
 */
class DeepReorganisationTest {
    private static final long SLOT = 100;

    @Test
    @Timeout(120)
    void aMinorityThatMinedMoreThanTheTreeKeepsSwitchesToTheHeavierMajorityAfterTheHeal() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("pow", 4, SLOT, 31), head -> { });
        devnet.advance(10 * SLOT);
        long forkHeight = devnet.node(0).head().height();
        List<Integer> reorgs = new ArrayList<>();
        devnet.node(0).onHeadChanged(change -> reorgs.add(change.reorgDepth()));
        devnet.network().partition(new int[] {0, 1, 1, 1});
        // Until the lone miner's own branch is deeper than its tree keeps.
        while (devnet.node(0).head().height() - forkHeight <= ChainView.STATE_HISTORY + 20) {
            devnet.advance(100 * SLOT);
        }
        byte[] majorityHead = devnet.node(1).head().hash();
        assertThat(devnet.node(1).headWeight()).isGreaterThan(devnet.node(0).headWeight());
        devnet.network().heal();
        for (int round = 0; round < 40 && !devnet.node(0).tree().contains(majorityHead); round++) {
            devnet.advance(10 * SLOT);
        }
        devnet.settle();
        // Node 0 now follows the majority's chain: the block the majority had at the heal is canonical for it
        // (proof of work may still leave two tips of equal work above it).
        long majorityHeight = devnet.node(1).blockByHash(majorityHead).orElseThrow().height();
        assertThat(devnet.node(0).blockAt(majorityHeight).orElseThrow().hash()).isEqualTo(majorityHead);
        assertThat(reorgs.stream().mapToInt(Integer::intValue).max().orElse(0))
                .as("node 0 abandoned its whole branch at once").isGreaterThan(ChainView.STATE_HISTORY);
        // The store agrees: node 0's canonical chain is the majority's, block by block.
        for (long h = forkHeight; h <= majorityHeight; h += 37) {
            assertThat(devnet.node(0).blockAt(h).orElseThrow().hash())
                    .isEqualTo(devnet.node(1).blockAt(h).orElseThrow().hash());
        }
    }
}
