package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.bench.ImportBench;
import mvpos.chain.Block;
import mvpos.chain.MemoryChainStore;
import mvpos.consensus.ChainView;
import mvpos.consensus.Engines;
import mvpos.crypto.HashDrbg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many blocks offered in one call: more than the block tree keeps below its head. */
class BulkImportTest {
    private final ImportBench.Chain chain = ImportBench.build(new ImportBench.Config(600, 1, 20, ImportBench.MAX_BATCH,
            3, 1));
    private final List<Node> nodes = new ArrayList<>();

    private Node open() throws Exception {
        Node node = Node.open(chain.genesis(), new MemoryChainStore(), SystemClock.INSTANCE, null, new HashDrbg(1));
        nodes.add(node);
        return node;
    }

    @AfterEach
    void close() {
        nodes.forEach(Node::close);
    }

    @Test
    void oneCallAddsMoreBlocksThanTheTreeKeepsAndStoresThemAll() throws Exception {
        MemoryChainStore store = new MemoryChainStore();
        NodeCore core = NodeCore.open(chain.genesis(), store);
        List<Block> blocks = chain.blocks();
        assertThat(blocks.size()).isGreaterThan(2 * ChainView.STATE_HISTORY);

        List<NodeCore.BlockResult> results = core.addBlocks(blocks, System.currentTimeMillis(), NodeCore.Prechecked.NONE);

        assertThat(results).allMatch(r -> r instanceof NodeCore.Added);
        assertThat(core.head()).isEqualTo(blocks.get(blocks.size() - 1));
        assertThat(store.head()).contains(blocks.get(blocks.size() - 1));
        assertThat(store.blockAt(ChainView.STATE_HISTORY + 1)).contains(blocks.get(ChainView.STATE_HISTORY));
    }

    @Test
    void importOfManySmallBlocksInOneGroupReachesTheHead() throws Exception {
        Node node = open();
        List<Node.ImportResult> results = node.importBlocks(chain.blocks());
        assertThat(results).hasSize(chain.blocks().size()).allMatch(r -> r instanceof Node.Imported);
        assertThat(node.head()).isEqualTo(chain.blocks().get(chain.blocks().size() - 1));
    }
}
