package mvpos.state;

/**
 * Why the state transition refused a transaction (and with it the block that carries it).
 *
 * @param txIndex the position of the transaction (or, for {@link Reason#INVALID_VOTE}, of the vote) in
 *                its block, or -1 for the block itself
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
        UNKNOWN_KIND,
        /** A kind that takes no data (every kind but a slash) carries some. */
        UNEXPECTED_DATA,
        /** A slash names an amount; it moves none, its amount must be 0. */
        UNEXPECTED_AMOUNT,
        /** A slash's data is not a {@link mvpos.chain.SlashingEvidence} encoding (or is too long). */
        MALFORMED_EVIDENCE,
        /** The evidence proves nothing here: another chain, no rule broken, or a signature that does not verify. */
        INVALID_EVIDENCE,
        /** The evidence accuses another address than the slash's {@code to}. */
        WRONG_OFFENDER,
        /** The offender has been slashed already (by this evidence or any other). */
        ALREADY_SLASHED,
        /** A slashed account tries to stake. */
        SLASHED_CANNOT_STAKE,
        /**
         * Votes slashable evidence accuses of an offender who holds nothing any more: its stake was
         * withdrawn (the evidence came after the withdrawal delay) or never existed.
         */
        NOTHING_TO_SLASH,
        /** The chain's engine refused an engine transaction ({@link mvpos.chain.TxKind#ENGINE}), or takes none. */
        ENGINE_REFUSED,
        /** A finality vote the block carries cannot be counted on its chain (the detail says which rule it breaks). */
        INVALID_VOTE,
        /** The block carries finality votes, on a chain without a finality gadget. */
        UNEXPECTED_VOTES
    }

    @Override
    public String toString() {
        String where = txIndex < 0 ? "" : (reason == Reason.INVALID_VOTE ? "vote " : "transaction ") + txIndex + ": ";
        return where + reason + " (" + detail + ")";
    }
}
