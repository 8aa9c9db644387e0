package mvpos.state;

/**
 * Why a finality vote cannot be counted on a chain: the rule it breaks there, and the detail.
 * {@link #byFault} tells whether only a faulty or malicious signer or relay produces it (a bad
 * signature, a lying source, a signer outside the dynasties), as opposed to a vote that was valid
 * elsewhere or earlier (an epoch gone by, a vote already counted).
 */
public record VoteRejection(Reason reason, String detail) {

    /** The rule a vote breaks. */
    public enum Reason {
        /** It names another chain. */
        WRONG_CHAIN(true),
        /** Its target epoch is neither the current nor the previous epoch of the chain (too old, or not yet). */
        TARGET_EPOCH_NOT_COUNTABLE(false),
        /** Its target is not the checkpoint of its target epoch on this chain. */
        WRONG_TARGET(false),
        /** Its source is not the justified checkpoint of its target epoch on this chain (a lying source epoch). */
        WRONG_SOURCE(true),
        /** Its target epoch is not after its source epoch. */
        EPOCHS_NOT_INCREASING(true),
        /** Its signer has no weight in the previous or the current dynasty (or has been slashed). */
        SIGNER_OUTSIDE_DYNASTY(true),
        /** The signer's vote for this target is counted already on this chain. */
        ALREADY_COUNTED(false),
        /** The signature is not the signer's for this chain. */
        BAD_SIGNATURE(true),
        /** The block carries more votes than a block may. */
        TOO_MANY_VOTES(true);

        private final boolean byFault;

        Reason(boolean byFault) {
            this.byFault = byFault;
        }
    }

    /** Whether only a faulty or malicious signer or relay produces such a vote. */
    public boolean byFault() {
        return reason.byFault;
    }

    @Override
    public String toString() {
        return reason + " (" + detail + ")";
    }
}
