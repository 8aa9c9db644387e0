package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.crypto.Hex;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Casper FFG beside each engine, on seeded devnets: finality advances, and it is never reverted. */
class FinalityDevnetTest {
    private static final long SLOT = 100;
    private static final long EPOCH = 4;

    private static Devnet devnet(String engine, long seed, List<Devnet.FinalityEvent> events) throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded(engine, 4, SLOT, seed).withFfg(EPOCH), head -> { });
        devnet.onFinality(events::add);
        return devnet;
    }

    @ParameterizedTest
    @ValueSource(strings = {"poa", "pow", "pos"})
    void withHonestValidatorsEveryNodeFinalizesWithinThreeEpochs(String engine) throws Exception {
        List<Devnet.FinalityEvent> events = new ArrayList<>();
        Devnet devnet = devnet(engine, 5, events);
        Devnet.Summary summary = devnet.run(80, 0);
        assertThat(summary.agree()).isTrue();

        long currentEpoch = devnet.node(0).head().header().slot() / EPOCH;
        for (int n = 0; n < devnet.size(); n++) {
            mvpos.state.FinalityState ffg = devnet.node(n).headFinality().orElseThrow();
            assertThat(ffg.finalized().epoch()).as("node %d finalized epoch (now epoch %d)", n, currentEpoch)
                    .isGreaterThanOrEqualTo(currentEpoch - 3);
            assertThat(ffg.currentJustified().epoch()).isGreaterThan(ffg.finalized().epoch());
            // The finalized checkpoint is on the node's canonical chain.
            Block finalized = devnet.node(n).blockByHash(ffg.finalized().hash()).orElseThrow();
            assertThat(devnet.node(n).blockAt(finalized.height()).orElseThrow()).isEqualTo(finalized);
        }
        // Finalized epochs only go up, each one reported once.
        List<Long> finalizedEpochs = events.stream().filter(e -> e.kind().equals("finalized"))
                .map(Devnet.FinalityEvent::epoch).toList();
        assertThat(finalizedEpochs).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates().isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"poa", "pow", "pos"})
    void aMinorityCutOffCannotFinalizeAndNoFinalizedBlockIsEverReverted(String engine) throws Exception {
        Devnet devnet = devnet(engine, 8, new ArrayList<>());
        devnet.advance(20 * SLOT);
        List<String> finalizedOnEachNode = new ArrayList<>();
        for (int n = 0; n < devnet.size(); n++) {
            NodeCore node = devnet.node(n);
            node.onHeadChanged(change -> {
                // Every head a node takes descends from what it has finalized.
                mvpos.state.FinalityState ffg = node.headFinality().orElseThrow();
                assertThat(node.tree().descendsFrom(node.tree().head(),
                        node.tree().entry(ffg.finalized().hash()).orElseThrow())).isTrue();
            });
        }
        long aloneBefore = devnet.node(0).headFinality().orElseThrow().finalized().epoch();
        devnet.network().partition(new int[] {0, 1, 1, 1});
        devnet.advance(40 * SLOT);
        mvpos.state.FinalityState alone = devnet.node(0).headFinality().orElseThrow();
        mvpos.state.FinalityState majority = devnet.node(1).headFinality().orElseThrow();
        // One validator out of four holds less than 2/3 of the stake: its side justifies nothing new.
        assertThat(alone.finalized().epoch()).isLessThanOrEqualTo(aloneBefore + 1);
        devnet.network().heal();
        devnet.advance(30 * SLOT);
        devnet.settle();
        for (int n = 0; n < devnet.size(); n++) {
            mvpos.state.FinalityState ffg = devnet.node(n).headFinality().orElseThrow();
            finalizedOnEachNode.add(Hex.encode(ffg.finalized().hash()));
            Block finalized = devnet.node(n).blockByHash(ffg.finalized().hash()).orElseThrow();
            assertThat(devnet.node(n).blockAt(finalized.height()).orElseThrow()).isEqualTo(finalized);
        }
        // After the heal every node's head descends from every node's finalized checkpoint: one chain (proof of
        // work may still end on two tips of equal work, above what is final).
        for (int n = 0; n < devnet.size(); n++) {
            BlockTree tree = devnet.node(n).tree();
            for (int m = 0; m < devnet.size(); m++) {
                byte[] finalized = devnet.node(m).headFinality().orElseThrow().finalized().hash();
                assertThat(tree.descendsFrom(tree.head(), tree.entry(finalized).orElseThrow()))
                        .as("node %d's head descends from node %d's finalized checkpoint", n, m).isTrue();
            }
        }
        // Every node's finalized checkpoint is on the one chain they agree on.
        assertThat(majority.finalized().epoch()).isGreaterThan(aloneBefore);
    }
}
