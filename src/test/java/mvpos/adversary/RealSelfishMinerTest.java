package mvpos.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mvpos.consensus.PowEngine;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/**
 * A selfish pool on real pow nodes: while it leads, the honest nodes never have its private tip; when an
 * honest block arrives it releases, and the honest nodes' heads reorganise onto its longer branch.
 */
class RealSelfishMinerTest {
    private static final int POOL = 3;

    @Test
    void withholdsItsBranchThenReleasesItAndTheHonestHeadsReorganise() throws Exception {
        // Three honest nodes and a pool with two thirds of the hash power (six rounds a tick to their one each).
        Devnet.Config config = new Devnet.Config("pow", 4, 1000, 20, 10, 7, Devnet.SEEDED_START_MILLIS, false, 8,
                Map.of(PowEngine.RETARGET_WINDOW, "10000"), null, 0);
        RealSelfishMiner pool = new RealSelfishMiner(6);
        Devnet devnet = new Devnet(config, head -> { }, i -> i == POOL ? pool : null);
        List<NodeCore.HeadChanged> honestHeads = new ArrayList<>();
        devnet.node(0).onHeadChanged(honestHeads::add);
        var poolAddress = devnet.keys().get(POOL).address();
        int withheldSteps = 0;
        int deepestLead = 0;
        for (int step = 0; step < 600; step++) {
            devnet.advance(100);
            if (pool.lead() > 0) {
                byte[] tip = pool.privateTip().orElseThrow().hash();
                assertThat(devnet.node(0).tree().contains(tip)).as("a withheld block reached an honest node").isFalse();
                withheldSteps++;
                deepestLead = Math.max(deepestLead, pool.lead());
            }
        }
        assertThat(withheldSteps).isPositive();
        assertThat(deepestLead).isGreaterThanOrEqualTo(2);
        assertThat(pool.published()).isPositive();
        // Released pool blocks displaced honest ones: node 0 reorganised onto a head the pool proposed.
        assertThat(honestHeads).anySatisfy(head -> {
            assertThat(head.reorgDepth()).isPositive();
            assertThat(head.head().header().proposer()).isEqualTo(poolAddress);
        });
        // What the pool released stayed in the honest chain.
        long poolBlocks = devnet.chainSummary().validators().get(POOL).proposals();
        assertThat(poolBlocks).isPositive();
    }

    @Test
    void roundsGiveThePoolItsShare() {
        assertThat(RealSelfishMiner.roundsFor(0.25, 9)).isEqualTo(3.0);
        assertThat(RealSelfishMiner.roundsFor(0.4, 9)).isEqualTo(6.0, org.assertj.core.api.Assertions.within(1e-9));
    }
}
