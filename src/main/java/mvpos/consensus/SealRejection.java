package mvpos.consensus;

/**
 * Why a header's seal is invalid: a reason a program can test, and a detail a person can read.
 */
public record SealRejection(Reason reason, String detail) {

    public enum Reason {
        /** The header names an engine this chain does not run. */
        UNKNOWN_ENGINE,
        /** The seal or the engine data cannot be read (wrong length, bad encoding). */
        MALFORMED_SEAL,
        /** The slot is not after the parent's, or not the one the engine requires. */
        WRONG_SLOT,
        /** The block claims a slot (or time) that has not come yet. */
        FUTURE_SLOT,
        /** The proposer is not the one this slot belongs to (wrong authority, not the selected proposer). */
        NOT_PROPOSER,
        /** The seal's signature is not the proposer's signature of the header. */
        BAD_SIGNATURE,
        /** The randomness reveal is not the proposer's signature of its epoch, or the mix is wrong. */
        BAD_REVEAL,
        /** The header claims another difficulty than the one its parent requires. */
        WRONG_DIFFICULTY,
        /** The header's hash is above its proof-of-work target. */
        INSUFFICIENT_WORK,
        /** The timestamp is not after the parent's, or too far ahead of the node's clock. */
        BAD_TIMESTAMP,
        /** A certificate the header carries (a BFT engine's commit of the parent) lacks a quorum or a valid signature. */
        BAD_CERTIFICATE
    }

    public static SealRejection of(Reason reason, String detail) {
        return new SealRejection(reason, detail);
    }

    /** The answer of a {@code verifySeal} that refuses: this reason and detail. */
    public static java.util.Optional<SealRejection> reject(Reason reason, String detail) {
        return java.util.Optional.of(new SealRejection(reason, detail));
    }

    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}
