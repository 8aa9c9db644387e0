package mvpos.consensus.turns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import mvpos.chain.Block;
import mvpos.conformance.ConformanceReport;
import mvpos.conformance.ConformanceSuite;
import mvpos.crypto.Address;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/** The hooks example: rewards for blocks, penalties for empty turns, applied by every node alike. */
class TurnsEngineTest {

    @Test
    void anOfflineAuthorityLosesThePenaltyForEachOfItsEmptyTurnsAndProposersEarnTheReward() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded(TurnsEngine.NAME, 4, 100, 3)
                .withEngineParams(Map.of(TurnsEngine.MISS_PENALTY, "7")).withOffline(1, 0), head -> { });
        Devnet.Summary summary = devnet.run(24, 0);
        assertThat(summary.agree()).isTrue();
        NodeCore node = devnet.node(0);
        assertThat(node.engine()).isInstanceOf(TurnsEngine.class);
        Map<Address, Long> expected = new HashMap<>();
        node.genesis().accounts().forEach((address, account) -> expected.put(address, account.balance()));
        long reward = node.genesis().blockReward();
        long missedTurns = 0;
        for (long h = 1; h <= node.head().height(); h++) {
            Block block = node.blockAt(h).orElseThrow();
            long parentSlot = node.blockAt(h - 1).orElseThrow().header().slot();
            for (long slot = parentSlot + 1; slot < block.header().slot(); slot++) {
                expected.merge(authorityOf(node, slot), -7L, Long::sum);
                missedTurns++;
            }
            expected.merge(block.header().proposer(), reward, Long::sum);
        }
        assertThat(missedTurns).as("the offline authority's turns were left empty").isGreaterThan(3);
        expected.forEach((address, balance) -> assertThat(node.headState().account(address).balance())
                .as("balance of %s", address).isEqualTo(balance));
    }

    private static Address authorityOf(NodeCore node, long slot) {
        // Every staker in address order, one slot each, as the engine's rule says.
        var stakers = node.genesis().accounts().entrySet().stream().filter(e -> e.getValue().stake() > 0)
                .map(Map.Entry::getKey).toList();
        return stakers.get((int) Math.floorMod(slot, (long) stakers.size()));
    }

    @Test
    void itPassesTheConformanceKit() {
        ConformanceReport report = ConformanceSuite.standard().run(TurnsEngine.NAME, Map.of());
        assertThat(report.passed()).as(report.results().stream().map(ConformanceReport.Result::line)
                .collect(Collectors.joining("\n"))).isTrue();
    }
}
