package mvpos.node;

import mvpos.chain.Checkpoint;
import mvpos.state.FfgConstants;
import mvpos.state.FinalityState;

/**
 * Finality as a node's head state shows it, for people: the head's epoch, the justified and finalized
 * checkpoints, the dynasty, the share of the current dynasty that voted for the last completed epoch,
 * and whether finality has stalled (and since when) or the inactivity leak is on.
 *
 * @param stalled        whether the finalized checkpoint is more than {@link #STALL_EPOCHS} epochs behind the
 *                       head (a chain that finalizes every epoch stays 2 behind)
 * @param stalledSince   the first epoch that is not finalized when stalled: the finalized epoch + 1
 * @param leaking        whether the inactivity leak is on (finality more than
 *                       {@link FfgConstants#MIN_EPOCHS_TO_INACTIVITY_PENALTY} epochs behind the previous epoch)
 */
public record FinalityStatus(long epoch, Checkpoint justified, Checkpoint finalized, long dynasty,
                             int participationBasisPoints, boolean stalled, long stalledSince, boolean leaking) {
    /** Finality more than this many epochs behind the head counts as stalled. */
    public static final long STALL_EPOCHS = 4;

    public static FinalityStatus of(FinalityState f) {
        long delay = f.epoch() - f.finalized().epoch();
        return new FinalityStatus(f.epoch(), f.currentJustified(), f.finalized(), f.dynasty(),
                f.participationBasisPoints(), delay > STALL_EPOCHS, f.finalized().epoch() + 1,
                f.epoch() - 1 - f.finalized().epoch() > FfgConstants.MIN_EPOCHS_TO_INACTIVITY_PENALTY);
    }

    /** The participation as a percentage with one decimal, e.g. "62.5%". */
    public String participation() {
        return String.format(java.util.Locale.ROOT, "%.1f%%", participationBasisPoints / 100.0);
    }

    /** One line for logs and devnet output: "finality stalled since epoch N, participation P%" when stalled. */
    public String describe() {
        if (stalled) {
            return "finality stalled since epoch " + stalledSince + ", participation " + participation()
                    + (leaking ? ", inactivity leak on" : "");
        }
        return "justified epoch " + justified.epoch() + ", finalized epoch " + finalized.epoch() + ", dynasty "
                + dynasty + ", participation " + participation();
    }
}
