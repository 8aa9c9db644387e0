package mvpos.node;

import java.util.Optional;
import mvpos.chain.Checkpoint;
import mvpos.state.FinalityState;

/**
 * The spec's store of a node on a chain with Casper FFG: the highest justified and finalized checkpoints
 * any valid block's state holds (heads descend from that justified checkpoint, blocks from that
 * finalized one), and the checkpoints last reported of the head, so that listeners hear of each move once.
 */
final class FinalityCheckpoints {
    private Checkpoint justified;
    private Checkpoint finalized;
    private Checkpoint reportedJustified;
    private Checkpoint reportedFinalized;

    /** Starts from the head's finality (a new chain, or a restarted node). */
    void start(FinalityState head) {
        justified = head.currentJustified();
        finalized = head.finalized();
        reportedJustified = justified;
        reportedFinalized = finalized;
    }

    /** Follows a valid block's state; returns the new justified checkpoint when it moved up. */
    Optional<Checkpoint> follow(FinalityState state) {
        Optional<Checkpoint> moved = Optional.empty();
        if (state.currentJustified().epoch() > justified.epoch()) {
            justified = state.currentJustified();
            moved = Optional.of(justified);
        }
        if (state.finalized().epoch() > finalized.epoch()) {
            finalized = state.finalized();
        }
        return moved;
    }

    /**
     * The head's checkpoints when they differ from those reported last (and are now reported). What is
     * reported never goes back: a reorganisation to a branch whose state has not yet seen the latest
     * justification (a sibling of the block that carried it) keeps the checkpoints already reported,
     * which stay on the chain (the head descends from them).
     */
    Optional<NodeCore.FinalityChanged> headMoved(FinalityState head) {
        Checkpoint j = later(reportedJustified, head.currentJustified());
        Checkpoint f = later(reportedFinalized, head.finalized());
        if (j.equals(reportedJustified) && f.equals(reportedFinalized)) {
            return Optional.empty();
        }
        reportedJustified = j;
        reportedFinalized = f;
        return Optional.of(new NodeCore.FinalityChanged(j, f));
    }

    /** {@code candidate} unless it is of an earlier epoch than {@code reported}. */
    private static Checkpoint later(Checkpoint reported, Checkpoint candidate) {
        return reported != null && candidate.epoch() < reported.epoch() ? reported : candidate;
    }

    /** Null before {@link #start} (a chain without finality). */
    Checkpoint justified() {
        return justified;
    }

    Checkpoint finalized() {
        return finalized;
    }
}
