package mvpos.sim;

import java.util.function.Consumer;
import mvpos.node.FinalityStatus;
import mvpos.node.NodeCore;

/** Watches node 0's finality for a devnet: tells when it stalls and when it resumes. */
final class StallWatch {
    Consumer<Devnet.StallEvent> listener = event -> { };
    private FinalityStatus stall;

    void watch(NodeCore node, long nowMillis) {
        node.headFinality().ifPresent(f -> {
            FinalityStatus status = FinalityStatus.of(f);
            if (status.stalled() && stall == null) {
                stall = status;
                listener.accept(new Devnet.StallEvent(0, true, status.epoch(), status.stalledSince(),
                        status.finalized().epoch(), status.participationBasisPoints(), nowMillis));
            } else if (!status.stalled() && stall != null) {
                listener.accept(new Devnet.StallEvent(0, false, status.epoch(), stall.stalledSince(),
                        status.finalized().epoch(), status.participationBasisPoints(), nowMillis));
                stall = null;
            }
        });
    }
}
