package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.MemoryChainStore;
import mvpos.consensus.PoaEngine;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.Test;

/**
 * A peer that floods blocks whose parents nobody has (orphans, held until their parent arrives)
 * cannot grow a node's memory: the node holds at most {@link NodeCore#MAX_ORPHANS} of them, and one
 * block sent again is held once.
 */
class OrphanLimitTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void aFloodOfOrphansIsHeldUpToTheLimit() throws Exception {
        KeyPair validator = KeyPair.generate(new HashDrbg(1));
        Genesis genesis = new Genesis("orphans", T0, 10, 1_000,
                new TreeMap<>(Map.of(validator.address(), new Account(0, 0, 100))), PoaEngine.NAME,
                Map.of(PoaEngine.AUTHORITIES, validator.address().toString()));
        NodeCore core = NodeCore.open(genesis, new MemoryChainStore());
        HashDrbg random = new HashDrbg(2);
        int flood = NodeCore.MAX_ORPHANS + 500;
        Block last = null;
        for (int i = 0; i < flood; i++) {
            byte[] unknownParent = new byte[32];
            random.nextBytes(unknownParent);
            Header header = new Header("orphans", 5 + i % 7, unknownParent, T0 + 5_000, 5, validator.address(),
                    new byte[32], new byte[32], PoaEngine.NAME, new byte[0], new byte[64]);
            last = new Block(header, List.of());
            assertThat(core.addBlock(last, T0 + 10_000)).isInstanceOf(NodeCore.Orphan.class);
            assertThat(core.orphans()).isEqualTo(Math.min(i + 1, NodeCore.MAX_ORPHANS));
        }
        assertThat(core.addBlock(last, T0 + 10_000)).isInstanceOf(NodeCore.Orphan.class);
        assertThat(core.orphans()).as("the same orphan again is held once").isEqualTo(NodeCore.MAX_ORPHANS);
        assertThat(core.head().height()).isZero();
    }
}
