package mvpos.chain;

import java.util.Arrays;

/**
 * The Casper FFG slashing conditions, and the equivocation rule of signed-block engines: pure rules
 * on the data a validator signed. Signatures are not checked here: a pair satisfying a rule proves
 * an offence only once both signatures verify ({@link Vote#hasValidSignature}, {@link SignedSeal}).
 *
 * <p>Two votes are compared by what was signed (epochs and hashes), not by their signature bytes: the
 * same vote signed twice is one vote, not two.
 */
public final class SlashingConditions {
    private SlashingConditions() {
    }

    /** A double vote: one validator, one chain, one target epoch, two different votes. */
    public static boolean isDoubleVote(Vote a, Vote b) {
        return sameVoter(a, b) && a.targetEpoch() == b.targetEpoch() && !sameData(a, b);
    }

    /**
     * A surround vote: one validator, one chain, and one vote's link strictly surrounds the other's
     * ({@code a.source < b.source} and {@code b.target < a.target}, or the other way round).
     */
    public static boolean isSurroundVote(Vote a, Vote b) {
        return sameVoter(a, b) && (surrounds(a, b) || surrounds(b, a));
    }

    /** A pair of votes that proves its validator broke a Casper FFG rule: a double or a surround vote. */
    public static boolean isSlashable(Vote a, Vote b) {
        return isDoubleVote(a, b) || isSurroundVote(a, b);
    }

    /**
     * Equivocation: one chain, one proposer, one slot, two different blocks. Blocks differ when what
     * their seals cover differs; two seals of the same content are one block sealed twice.
     */
    public static boolean isEquivocation(Header a, Header b) {
        return a.chainId().equals(b.chainId()) && a.proposer().equals(b.proposer()) && a.slot() == b.slot()
                && !Arrays.equals(a.sealingBytes(), b.sealingBytes());
    }

    private static boolean surrounds(Vote outer, Vote inner) {
        return outer.sourceEpoch() < inner.sourceEpoch() && inner.targetEpoch() < outer.targetEpoch();
    }

    private static boolean sameVoter(Vote a, Vote b) {
        return a.chainId().equals(b.chainId()) && a.sameSigner(b);
    }

    private static boolean sameData(Vote a, Vote b) {
        return a.sameLink(b);
    }
}
