package mvpos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The invariant checker on finalized checkpoints: nodes that all finalize along one chain never trip it,
 * and one node that finalizes on a conflicting chain always does, whatever the order and the epochs.
 */
class InvariantCheckerProperties {

    private static String onChainA(int epoch) {
        return String.format("aa%04x", epoch);
    }

    private static String onChainB(int epoch) {
        return String.format("bb%04x", epoch);
    }

    /** Each event is (node, epoch): the node finalizes chain A's checkpoint of that epoch, if later than its last. */
    private static InvariantChecker finalizeAlongChainA(List<@IntRange(min = 0, max = 7) Integer> nodes,
                                                        List<@IntRange(min = 1, max = 50) Integer> epochs) {
        InvariantChecker checker = new InvariantChecker(() -> 0);
        int[] last = new int[8];
        for (int i = 0; i < Math.min(nodes.size(), epochs.size()); i++) {
            int node = nodes.get(i);
            int epoch = Math.max(epochs.get(i), last[node]);
            last[node] = epoch;
            checker.finalized(node, epoch, onChainA(epoch), hash -> hash.startsWith("aa"));
        }
        return checker;
    }

    @Property(tries = 200)
    void nodesFinalizingAlongOneChainNeverViolateAgreement(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 7) Integer> nodes,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 50) Integer> epochs) {
        assertThat(finalizeAlongChainA(nodes, epochs).violation()).isEmpty();
    }

    @Property(tries = 200)
    void aConflictingFinalizedCheckpointIsAlwaysAnAgreementViolation(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 7) Integer> nodes,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 50) Integer> epochs,
            @ForAll @IntRange(min = 1, max = 60) int plantedEpoch) {
        InvariantChecker checker = finalizeAlongChainA(nodes, epochs);
        checker.finalized(99, plantedEpoch, onChainB(plantedEpoch), hash -> hash.startsWith("bb"));
        assertThat(checker.violation()).hasValueSatisfying(v -> assertThat(v.invariant()).isEqualTo("agreement"));
    }

    @Property(tries = 100)
    void aNodeGoingBackToAnEarlierEpochIsAReversion(@ForAll @IntRange(min = 2, max = 50) int epoch,
                                                    @ForAll @IntRange(min = 1, max = 49) int earlier) {
        InvariantChecker checker = new InvariantChecker(() -> 0);
        checker.finalized(0, epoch, onChainA(epoch), hash -> true);
        checker.finalized(0, Math.min(earlier, epoch - 1), onChainA(Math.min(earlier, epoch - 1)), hash -> true);
        assertThat(checker.violation()).hasValueSatisfying(
                v -> assertThat(v.invariant()).isEqualTo("finality never reverts"));
    }
}
