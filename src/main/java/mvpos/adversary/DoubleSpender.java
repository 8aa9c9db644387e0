package mvpos.adversary;

/**
 * The proof-of-work double-spender of Nakamoto's section 11, as Rosenfeld analyses it: the attacker pays
 * a merchant on the public chain and, from the block before the payment, mines a private chain that
 * spends the same coins elsewhere. It starts with one block pre-mined (Rosenfeld's assumption). The
 * merchant ships after {@code confirmations} honest blocks (the payment's block counts as the first);
 * from then on the attacker wins as soon as its private chain is longer than the public one, and
 * publishes it. It gives up when it is {@code giveUpDeficit} blocks behind: past that point its chance
 * to catch up, {@code (q/p)^deficit}, is not worth the hash power.
 *
 * <p>A state machine fed block by block, so that a lab can race it against honest miners and a test can
 * drive it by hand.
 */
public final class DoubleSpender {
    /** Where the race stands. */
    public enum Outcome {
        /** Still mining in private. */
        RACING,
        /** The merchant shipped and the private chain is longer: it is published and the payment reversed. */
        WON,
        /** Too far behind: the attacker gives up (the payment stands). */
        GAVE_UP
    }

    private final int confirmations;
    private final int giveUpDeficit;
    private long honest;
    private long attacker = 1; // the pre-mined block
    private Outcome outcome = Outcome.RACING;

    public DoubleSpender(int confirmations, int giveUpDeficit) {
        if (confirmations < 1) {
            throw new IllegalArgumentException("a payment needs at least one confirmation");
        }
        if (giveUpDeficit <= confirmations) {
            throw new IllegalArgumentException("the give-up deficit must exceed the confirmations");
        }
        this.confirmations = confirmations;
        this.giveUpDeficit = giveUpDeficit;
    }

    /**
     * The give-up deficit that loses at most {@code lostShare} of the attacker's chances: behind by
     * {@code confirmations + k} with {@code (q/p)^k <= lostShare}.
     */
    public static int giveUpDeficit(int confirmations, double q, double lostShare) {
        double ratio = q / (1 - q);
        if (ratio >= 1) {
            throw new IllegalArgumentException("with half the hash power or more the attacker never gives up");
        }
        int k = ratio <= 0 ? 1 : (int) Math.ceil(Math.log(lostShare) / Math.log(ratio));
        return confirmations + Math.max(1, k);
    }

    /** An honest block extends the public chain. */
    public Outcome honestBlock() {
        if (outcome == Outcome.RACING) {
            honest++;
            decide();
        }
        return outcome;
    }

    /** The attacker's block extends its private chain. */
    public Outcome attackerBlock() {
        if (outcome == Outcome.RACING) {
            attacker++;
            decide();
        }
        return outcome;
    }

    private void decide() {
        if (honest >= confirmations && attacker > honest) {
            outcome = Outcome.WON;
        } else if (honest - attacker >= giveUpDeficit) {
            outcome = Outcome.GAVE_UP;
        }
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Whether the merchant has shipped (the payment has its confirmations on the public chain). */
    public boolean merchantShipped() {
        return honest >= confirmations;
    }

    public long honestBlocks() {
        return honest;
    }

    public long attackerBlocks() {
        return attacker;
    }
}
