package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mvpos.chain.Checkpoint;
import mvpos.state.FinalityState;
import mvpos.state.ValidatorRegistry;
import mvpos.state.VoteBits;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * What a node reports of its head's finality (the devnet's "finalized epoch N" lines, the simulator's
 * checks, the explorer) never goes back, even when the head moves to a branch whose state has not yet
 * seen the latest justification; and each move is reported once.
 */
class FinalityCheckpointsTest {
    private static final ValidatorRegistry NO_ONE = ValidatorRegistry.genesis(Map.of());

    private static Checkpoint checkpoint(long epoch) {
        byte[] hash = new byte[32];
        hash[0] = (byte) epoch;
        hash[1] = 7;
        return new Checkpoint(epoch, hash);
    }

    private static FinalityState head(long justified, long finalized) {
        return new FinalityState(justified + 1, checkpoint(Math.max(0, justified - 1)), checkpoint(justified),
                checkpoint(finalized), 1, new byte[32], new byte[32], finalized, NO_ONE, VoteBits.NONE, VoteBits.NONE,
                0);
    }

    @Test
    void aReorganisationToABranchThatHasNotSeenTheLatestFinalizationReportsNothing() {
        FinalityCheckpoints checkpoints = new FinalityCheckpoints();
        checkpoints.start(head(0, 0));
        assertThat(checkpoints.headMoved(head(11, 10))).map(NodeCore.FinalityChanged::finalized)
                .contains(checkpoint(10));
        // The sibling branch's state still says epoch 9 was the last finalized: nothing to report.
        assertThat(checkpoints.headMoved(head(10, 9))).isEmpty();
        assertThat(checkpoints.headMoved(head(12, 11))).map(NodeCore.FinalityChanged::finalized)
                .contains(checkpoint(11));
    }

    @Property(tries = 200, seed = "1212")
    void whatIsReportedNeverGoesBackAndIsReportedOnce(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 20) Integer> finalizedEpochs) {
        FinalityCheckpoints checkpoints = new FinalityCheckpoints();
        checkpoints.start(head(0, 0));
        List<NodeCore.FinalityChanged> reported = new ArrayList<>();
        long highest = 0;
        for (int f : finalizedEpochs) {
            checkpoints.headMoved(head(f + 1, f)).ifPresent(reported::add);
            highest = Math.max(highest, f);
        }
        for (int i = 1; i < reported.size(); i++) {
            assertThat(reported.get(i).finalized().epoch()).isGreaterThanOrEqualTo(reported.get(i - 1).finalized().epoch());
            assertThat(reported.get(i).justified().epoch()).isGreaterThanOrEqualTo(reported.get(i - 1).justified().epoch());
            assertThat(reported.get(i)).isNotEqualTo(reported.get(i - 1));
        }
        long last = reported.isEmpty() ? 0 : reported.get(reported.size() - 1).finalized().epoch();
        assertThat(last).isEqualTo(highest);
    }
}
