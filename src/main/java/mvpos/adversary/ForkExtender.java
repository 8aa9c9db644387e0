package mvpos.adversary;

/**
 * The "nothing at stake" validator: signing a block costs nothing, so when two forks compete it
 * extends both, to be rewarded whichever wins. Without a penalty for signing two blocks at one
 * height, this is the rational choice; with equivocation slashing, signing on both forks loses the
 * deposit, and it extends only the fork its fork choice picks.
 */
public final class ForkExtender {
    private final boolean slashing;

    /** @param slashing whether signing two blocks for one slot is slashed on this chain */
    public ForkExtender(boolean slashing) {
        this.slashing = slashing;
    }

    /** Whether this validator, proposing a slot while two forks compete, signs a block on both. */
    public boolean extendsBothForks() {
        return !slashing;
    }

    /**
     * What a validator gains by extending both forks rather than the one it prefers, with {@code reward}
     * per block, {@code otherForkWins} the chance that the other fork wins, and {@code deposit} lost when
     * slashed.
     */
    public double gainFromBoth(double reward, double otherForkWins, double deposit) {
        return reward * otherForkWins - (slashing ? deposit : 0);
    }
}
