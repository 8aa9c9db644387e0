package mvpos.adversary;

/**
 * A long-range attacker: it buys (cheaply: they hold nothing any more) the keys of validators that left
 * the set long ago, and with them signs an alternative history from the epoch they were validators.
 * If those keys held 2/3 of the set at the fork, its history is as final as the real one, and a fresh
 * node that syncs from the attacker cannot tell them apart. A node started from a recent
 * weak-subjectivity checkpoint refuses any history that does not contain the checkpoint.
 */
public final class LongRangeAttacker {
    private LongRangeAttacker() {
    }

    /** Whether keys of {@code exited} of the {@code validators} at the fork can finalize a history: 2/3 of them. */
    public static boolean canRewrite(int exited, int validators) {
        return 3L * exited >= 2L * validators;
    }

    /**
     * Whether a fresh node accepts a history forked {@code forkAge} epochs ago: without a checkpoint
     * ({@code checkpointAge < 0}) when the keys can rewrite it; with one, only if the fork is younger
     * than the checkpoint (the history contains it) and the keys can rewrite it.
     */
    public static boolean accepted(long forkAge, long checkpointAge, int exited, int validators) {
        if (checkpointAge >= 0 && forkAge > checkpointAge) {
            return false; // the history conflicts with the checkpoint
        }
        return canRewrite(exited, validators);
    }
}
