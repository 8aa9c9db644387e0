package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.Genesis;
import mvpos.chain.MemoryChainStore;
import mvpos.crypto.Hex;
import mvpos.sim.Devnet;
import mvpos.testing.FfgForks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node given a trusted checkpoint (weak subjectivity) follows only the history it names: another
 * history, however valid by the rules, is refused from the epoch's boundary on, and a stored chain that
 * left the history is refused at start-up. Without the checkpoint the same blocks are taken. The two
 * histories are built with {@link FfgForks}.
 */
class WeakSubjectivityCheckpointTest {
    private static final long SLOT = 100;
    private static final long EPOCH = 4;

    /** Two histories from one genesis: what validator 0 alone and the three others built while cut apart. */
    private static FfgForks forked() throws Exception {
        FfgForks forks = FfgForks.poa(4, EPOCH, 41);
        forks.epochs("main", 3, 0, 1, 2, 3);
        forks.partition("lone", "main", 0).partition("majority", "main", 1, 2, 3);
        for (int epoch = 0; epoch < 8; epoch++) {
            forks.epochs("lone", 1, 0).epochs("majority", 1, 1, 2, 3);
        }
        return forks;
    }

    @Test
    @Timeout(120)
    void aNodeWithACheckpointRefusesAnotherHistoryAndFollowsTheTrustedOne() throws Exception {
        FfgForks forks = forked();
        List<Block> lone = forks.blocks("lone");
        List<Block> majority = forks.blocks("majority");
        long epoch = forks.firstDivergentEpoch("lone", "majority");
        Checkpoint trusted = forks.checkpoint("majority", epoch);
        Genesis genesis = forks.genesis();
        long now = forks.now();

        // Without a checkpoint, a fresh node takes the lone node's history as it comes.
        NodeCore naive = NodeCore.open(genesis, new MemoryChainStore());
        for (Block b : lone) {
            assertThat(naive.addBlock(b, now)).isInstanceOf(NodeCore.Added.class);
        }

        NodeCore careful = NodeCore.open(genesis, new MemoryChainStore());
        careful.trustCheckpoint(new WeakSubjectivityCheckpoint(epoch, trusted.hash()));
        List<NodeCore.BlockResult> results = new ArrayList<>();
        for (Block b : lone) {
            results.add(careful.addBlock(b, now));
        }
        // Blocks before the boundary are shared or harmless; the first across it is refused, with its reason.
        int crossing = -1;
        for (int i = 0; i < lone.size(); i++) {
            if (lone.get(i).header().slot() >= epoch * EPOCH) {
                crossing = i;
                break;
            }
        }
        assertThat(crossing).isPositive();
        assertThat(results.get(crossing)).isInstanceOfSatisfying(NodeCore.Invalid.class, invalid ->
                assertThat(invalid.rejection().reason()).isEqualTo(BlockRejection.Reason.CONFLICTS_WITH_CHECKPOINT));
        assertThat(results.subList(crossing, results.size())).noneMatch(r -> r instanceof NodeCore.Added);
        assertThat(careful.head().header().slot()).isLessThan(epoch * EPOCH);

        // The trusted history goes in whole, and the node ends where the majority is.
        for (Block b : majority) {
            assertThat(careful.addBlock(b, now)).isNotInstanceOf(NodeCore.Invalid.class);
        }
        assertThat(careful.head().hash()).isEqualTo(forks.tip("majority").hash());

        // A node that already stored the other history is told so at start-up.
        assertThatThrownBy(() -> naive.trustCheckpoint(new WeakSubjectivityCheckpoint(epoch, trusted.hash())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("checkpoint of epoch " + epoch)
                .hasMessageContaining(Hex.encode(trusted.hash()));
        // And one on the trusted history is not.
        NodeCore onTrack = NodeCore.open(genesis, new MemoryChainStore());
        for (Block b : majority) {
            onTrack.addBlock(b, now);
        }
        onTrack.trustCheckpoint(new WeakSubjectivityCheckpoint(epoch, trusted.hash()));
    }

    @Test
    void aCheckpointIsReadFromEpochColonHashWithOneLineErrors() {
        String hash = "ab".repeat(32);
        assertThat(WeakSubjectivityCheckpoint.parse("12:" + hash))
                .isEqualTo(new WeakSubjectivityCheckpoint(12, Hex.decode(hash)));
        assertThatThrownBy(() -> WeakSubjectivityCheckpoint.parse(hash)).hasMessageContaining("EPOCH:HASH");
        assertThatThrownBy(() -> WeakSubjectivityCheckpoint.parse("x:" + hash)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> WeakSubjectivityCheckpoint.parse("3:zz")).hasMessageContaining("not hex");
        assertThatThrownBy(() -> WeakSubjectivityCheckpoint.parse("3:abcd")).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> WeakSubjectivityCheckpoint.parse("0:" + hash)).hasMessageContaining("at least 1");
    }

    @Test
    void aChainWithoutFinalityEpochsTakesNoCheckpoint() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("poa", 2, SLOT, 3), head -> { });
        NodeCore node = NodeCore.open(devnet.genesis(), new MemoryChainStore());
        assertThatThrownBy(() -> node.trustCheckpoint(new WeakSubjectivityCheckpoint(1, new byte[32])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--finality ffg");
    }
}
