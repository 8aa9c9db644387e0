package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.node.BlockRejection;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same tests for every engine, on a seeded devnet of four validators: the chain grows, honest
 * nodes converge on one head, the run is reproducible, tampered seals are refused, and a partition
 * is resolved by the engine's fork-choice rule with a reorganisation of state (in memory and in the
 * store).
 */
class EngineConformanceTest {
    private static final long SLOT = 100;

    private static Devnet devnet(String engine, long seed, List<Devnet.HeadEvent> heads) throws Exception {
        return new Devnet(Devnet.Config.seeded(engine, 4, SLOT, seed), heads::add);
    }

    /** The canonical chain of a node, from its store, genesis first. */
    private static List<Block> chainOf(NodeCore node) throws Exception {
        List<Block> chain = new ArrayList<>();
        for (long h = 0; h <= node.head().height(); h++) {
            chain.add(node.blockAt(h).orElseThrow());
        }
        return chain;
    }

    private static Map<Address, Account> accountsOf(NodeCore node) {
        Map<Address, Account> accounts = new HashMap<>();
        node.headState().forEachAccount(accounts::put);
        return accounts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"poa", "pow", "pos"})
    void theChainGrowsAndHonestNodesConvergeOnOneHead(String engine) throws Exception {
        List<Devnet.HeadEvent> heads = new ArrayList<>();
        Devnet devnet = devnet(engine, 11, heads);
        Devnet.Summary summary = devnet.run(30, 0);

        assertThat(summary.highestHead()).isGreaterThanOrEqualTo(30);
        assertThat(summary.agree()).as("every node on one head").isTrue();
        List<Block> chain = chainOf(devnet.node(0));
        for (int i = 1; i < chain.size(); i++) {
            Header header = chain.get(i).header();
            assertThat(header.parentHash()).isEqualTo(chain.get(i - 1).hash());
            assertThat(header.slot()).isGreaterThan(chain.get(i - 1).header().slot());
            assertThat(header.engine()).isEqualTo(engine);
        }
        for (int n = 1; n < devnet.size(); n++) {
            assertThat(chainOf(devnet.node(n))).as("node %d's chain", n).isEqualTo(chain);
            assertThat(devnet.node(n).headState().root()).isEqualTo(devnet.node(0).headState().root());
        }
        // Block production is shared: more than one validator proposed.
        assertThat(chain.stream().skip(1).map(b -> b.header().proposer()).distinct().count()).isGreaterThan(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"poa", "pow", "pos"})
    void theSameSeedGivesTheSameChainAndAnotherSeedAnotherOne(String engine) throws Exception {
        List<Devnet.HeadEvent> first = new ArrayList<>();
        List<Devnet.HeadEvent> second = new ArrayList<>();
        List<Devnet.HeadEvent> other = new ArrayList<>();
        devnet(engine, 5, first).run(15, 0);
        devnet(engine, 5, second).run(15, 0);
        devnet(engine, 6, other).run(15, 0);
        assertThat(second).isEqualTo(first);
        assertThat(other.get(other.size() - 1).hash()).isNotEqualTo(first.get(first.size() - 1).hash());
    }

    @ParameterizedTest
    @ValueSource(strings = {"poa", "pow", "pos"})
    void aTamperedSealOrEngineDataIsRefusedAndChangesNothing(String engine) throws Exception {
        Devnet devnet = devnet(engine, 3, new ArrayList<>());
        devnet.run(8, 0);
        NodeCore node = devnet.node(1);
        Block head = node.head();
        Block good = node.blockAt(head.height() - 1).orElseThrow(); // its parent is known to every node
        Header h = good.header();
        byte[] seal = h.seal();
        seal[seal.length / 2] ^= 0x10;
        byte[] data = h.engineData();
        byte[] longer = java.util.Arrays.copyOf(data, data.length + 1);
        List<Block> tampered = List.of(
                new Block(h.withSeal(seal), good.transactions()),
                new Block(h.withSeal(new byte[0]), good.transactions()),
                new Block(new Header(h.chainId(), h.height(), h.parentHash(), h.timestamp(), h.slot(), h.proposer(),
                        h.bodyRoot(), h.stateRoot(), h.engine(), longer, h.seal()), good.transactions()));
        for (Block bad : tampered) {
            NodeCore.BlockResult result = node.addBlock(bad, devnet.events().millis());
            assertThat(result).isInstanceOfSatisfying(NodeCore.Invalid.class,
                    invalid -> assertThat(invalid.rejection().reason()).isEqualTo(BlockRejection.Reason.BAD_SEAL));
            assertThat(node.head()).isEqualTo(head);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"poa", "pow", "pos"})
    void aPartitionIsResolvedByForkChoiceWithAReorganisationOfState(String engine) throws Exception {
        Devnet devnet = devnet(engine, 21, new ArrayList<>());
        devnet.advance(5 * SLOT);
        List<Integer> reorgs = new ArrayList<>();
        for (int n = 0; n < devnet.size(); n++) {
            devnet.node(n).onHeadChanged(change -> reorgs.add(change.reorgDepth()));
        }
        devnet.network().partition(new int[] {0, 1, 1, 1});
        devnet.advance(40 * SLOT);
        NodeCore alone = devnet.node(0);
        NodeCore majority = devnet.node(1);
        Block aloneHead = alone.head();
        Block majorityHead = majority.head();
        assertThat(aloneHead.hash()).as("the two sides forked").isNotEqualTo(majorityHead.hash());
        int heavier = alone.headWeight().compareTo(majority.headWeight());

        devnet.network().heal();
        devnet.advance(10 * SLOT);
        Devnet.Summary summary = devnet.settle();

        assertThat(summary.agree()).as("converged after healing").isTrue();
        List<Block> chain = chainOf(alone);
        if (heavier != 0) {
            Block winner = heavier > 0 ? aloneHead : majorityHead;
            Block loser = heavier > 0 ? majorityHead : aloneHead;
            assertThat(chain).as("the heavier side's head is canonical").contains(winner);
            assertThat(chain).as("the lighter side's head is abandoned").doesNotContain(loser);
        }
        assertThat(reorgs).as("some node reorganised").anyMatch(depth -> depth > 0);
        for (int n = 0; n < devnet.size(); n++) {
            NodeCore node = devnet.node(n);
            assertThat(chainOf(node)).isEqualTo(chain);
            // The state was reorganised too: in memory, and the accounts the store keeps.
            assertThat(node.headState().root()).isEqualTo(node.head().header().stateRoot());
            assertThat(node.store().accounts()).as("node %d's stored accounts", n).isEqualTo(accountsOf(node));
        }
    }
}
