package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import mvpos.consensus.BlockTree;
import mvpos.consensus.forkchoice.HeaviestChain;
import mvpos.consensus.forkchoice.UniformTieBreak;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/**
 * A proof-of-work devnet whose genesis says {@code tieBreak: uniform}: each validator's node gets a tie-break
 * secret of its own (from its key), so the nodes do not all order two blocks alike, and the nodes still end
 * on one head once production stops.
 */
class UniformTieBreakNodeTest {
    @Test
    void eachValidatorTossesItsOwnCoinAndTheNodesStillConverge() throws Exception {
        Devnet.Config config = Devnet.Config.seeded("pow", 8, 200, 3)
                .withForkChoice(HeaviestChain.NAME, Map.of(HeaviestChain.TIE_BREAK, HeaviestChain.UNIFORM));
        Devnet devnet = new Devnet(config, head -> { });
        Devnet.Summary summary = devnet.run(40, 0);
        assertThat(summary.highestHead()).isGreaterThanOrEqualTo(40);
        assertThat(summary.agree()).as("every node on one head after settling").isTrue();

        BlockTree.Entry head = devnet.node(0).tree().head();
        BlockTree.Entry parent = devnet.node(0).tree().entry(head.header().parentHash()).orElseThrow();
        Set<Boolean> orders = new HashSet<>();
        Set<Object> rules = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            HeaviestChain rule = (HeaviestChain) devnet.node(i).tree().forkChoice();
            rules.add(rule);
            UniformTieBreak coin = rule.uniformTieBreak().orElseThrow();
            orders.add(coin.prefers(head, parent));
        }
        assertThat(rules).as("a rule per node").hasSize(8);
        assertThat(orders).as("the nodes order the same two blocks differently").containsExactlyInAnyOrder(true, false);
    }
}
