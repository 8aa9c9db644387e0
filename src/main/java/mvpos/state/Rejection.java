package mvpos.state;

/**
 * Why the state transition refused a transaction (and with it the block that carries it).
 *
 * @param txIndex the position of the transaction in its block, or -1 for the block itself
 */
public record Rejection(int txIndex, Reason reason, String detail) {

    /** The rule a transaction broke. */
    public enum Reason {
        BAD_SIGNATURE,
        WRONG_CHAIN_ID,
        WRONG_NONCE,
        INSUFFICIENT_BALANCE,
        INSUFFICIENT_STAKE,
        NON_POSITIVE_AMOUNT,
        NEGATIVE_FEE,
        OVERFLOW,
        UNKNOWN_KIND
    }

    @Override
    public String toString() {
        return (txIndex >= 0 ? "transaction " + txIndex + ": " : "") + reason + " (" + detail + ")";
    }
}
