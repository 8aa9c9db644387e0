package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.RocksChainStore;
import mvpos.consensus.ChainView;
import mvpos.consensus.Engines;
import mvpos.crypto.HashDrbg;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that stops and opens its store again rebuilds the states of its recent blocks from their
 * undo records, so that an engine that looks back (pos reads the state two epochs ago) keeps
 * validating, and the node keeps following the chain.
 */
class NodeCoreRestartTest {
    @TempDir
    Path dir;

    @Test
    void aReopenedPosNodeRebuildsRecentStatesFromItsRocksStoreAndFollowsTheChain() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("pos", 4, 100, 9), head -> { });
        devnet.run(40, 0);
        NodeCore source = devnet.node(1);
        List<Block> chain = new ArrayList<>();
        for (long h = 1; h <= source.head().height(); h++) {
            chain.add(source.blockAt(h).orElseThrow());
        }
        long now = devnet.events().millis();

        // A follower imports the chain into RocksDB, then stops.
        try (ChainStore store = RocksChainStore.open(dir.resolve("chain"))) {
            NodeCore follower = core(devnet, store);
            assertThat(follower.addBlocks(chain, now, NodeCore.Prechecked.NONE))
                    .allMatch(r -> r instanceof NodeCore.Added);
            assertThat(follower.head()).isEqualTo(source.head());
        }

        try (ChainStore store = RocksChainStore.open(dir.resolve("chain"))) {
            NodeCore reopened = core(devnet, store);
            assertThat(reopened.head()).isEqualTo(source.head());
            assertThat(reopened.headState().root()).isEqualTo(source.headState().root());
            // Every block of the chain is in the rebuilt tree with the state the source had after it.
            int depth = (int) Math.min(ChainView.STATE_HISTORY, source.head().height());
            for (Block block : chain.subList(chain.size() - depth, chain.size())) {
                assertThat(reopened.tree().stateAfter(block.hash()).orElseThrow().root())
                        .as("state after block %d", block.height())
                        .isEqualTo(source.tree().stateAfter(block.hash()).orElseThrow().root());
            }

            // The chain goes on; the reopened node validates the new blocks (pos looks two epochs back).
            devnet.advance(3_000);
            devnet.settle();
            List<Block> more = new ArrayList<>();
            for (long h = reopened.head().height() + 1; h <= source.head().height(); h++) {
                more.add(source.blockAt(h).orElseThrow());
            }
            assertThat(more).hasSizeGreaterThan(10);
            assertThat(reopened.addBlocks(more, devnet.events().millis(), NodeCore.Prechecked.NONE))
                    .allMatch(r -> r instanceof NodeCore.Added);
            assertThat(reopened.head()).isEqualTo(source.head());
            assertThat(store.accounts()).isEqualTo(accounts(source));
        }
    }

    @Test
    void aReopenedNodeResumesFromTheCheckpointsItHadJustifiedAndFinalized() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("poa", 4, 100, 3).withFfg(4), head -> { });
        devnet.run(60, 0);
        NodeCore before = devnet.node(2);
        mvpos.state.FinalityState ffg = before.headFinality().orElseThrow();
        assertThat(ffg.finalized().epoch()).isPositive();

        NodeCore reopened = NodeCore.open(devnet.genesis(), before.store());
        mvpos.state.FinalityState resumed = reopened.headFinality().orElseThrow();
        assertThat(resumed).isEqualTo(ffg);
        assertThat(reopened.headState().root()).isEqualTo(before.headState().root());
        assertThat(reopened.storeJustified()).isEqualTo(before.storeJustified());
        assertThat(reopened.storeFinalized()).isEqualTo(before.storeFinalized());
        assertThat(reopened.head()).isEqualTo(before.head());
    }

    private static NodeCore core(Devnet devnet, ChainStore store) throws ChainStore.StoreException {
        return NodeCore.open(devnet.genesis(), store);
    }

    private static java.util.Map<mvpos.crypto.Address, mvpos.chain.Account> accounts(NodeCore node) {
        java.util.Map<mvpos.crypto.Address, mvpos.chain.Account> all = new java.util.HashMap<>();
        node.headState().forEachAccount(all::put);
        return all;
    }
}
