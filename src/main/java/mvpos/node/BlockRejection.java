package mvpos.node;

import mvpos.consensus.SealRejection;

/** Why a node refused a block: a reason a program can test, and a detail a person can read. */
public record BlockRejection(Reason reason, String detail) {

    public enum Reason {
        /** The header names another chain. */
        WRONG_CHAIN,
        /** The height is not its parent's plus one. */
        WRONG_HEIGHT,
        /** The timestamp is not after its parent's. */
        BAD_TIMESTAMP,
        /** The header names an engine this chain does not run. */
        UNKNOWN_ENGINE,
        /** The engine refused the seal (see the detail, which starts with the engine's reason). */
        BAD_SEAL,
        /** The body root does not match the transactions and votes. */
        BAD_BODY_ROOT,
        /** More transactions than a block may carry. */
        TOO_MANY_TRANSACTIONS,
        /** A transaction (or a finality vote it carries) broke a rule of the state transition. */
        INVALID_TRANSACTION,
        /** The state root does not match the state the transactions give. */
        BAD_STATE_ROOT,
        /** The block forks from below the finalized checkpoint. */
        CONFLICTS_WITH_FINALIZED,
        /** The block forks deeper below the head than the node keeps blocks and states for. */
        BELOW_FORK_WINDOW,
        /** The block's chain does not hold the checkpoint its operator trusts ({@link WeakSubjectivityCheckpoint}). */
        CONFLICTS_WITH_CHECKPOINT
    }

    static BlockRejection seal(SealRejection rejection) {
        return new BlockRejection(Reason.BAD_SEAL, rejection.toString());
    }

    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}
