package mvpos.adversary;

/**
 * Eyal and Sirer's selfish mining strategy (Majority is not enough, 2014, Algorithm 1) as a state
 * machine fed the blocks found, the pool's and the others'. The pool keeps its blocks private and
 * publishes them only to orphan the honest miners' work:
 *
 * <ul>
 *   <li>lead 0: a pool block starts a private branch (lead 1); an honest block is simply the chain.</li>
 *   <li>lead 1, honest block: the pool publishes its block, a tie (state 0') which honest miners break,
 *       a share {@code gamma} of them mining on the pool's block.</li>
 *   <li>lead 2, honest block: the pool publishes both blocks and orphans the honest one.</li>
 *   <li>lead above 2, honest block: the pool publishes one block, keeping its lead to win later.</li>
 *   <li>tie, pool block: the pool publishes and wins both of its blocks.</li>
 * </ul>
 *
 * It counts the blocks each side gets into the chain that wins (the pool's revenue in the paper), so
 * that a lab can race it and a test can step it by hand.
 */
public final class SelfishMiner {
    /** Who mined the block the honest miners found during a tie, on which branch. */
    public enum TieBranch {
        /** On the pool's published block. */
        POOL,
        /** On the honest block it ties with. */
        HONEST
    }

    private int lead;
    private boolean tie;
    private long poolBlocks;
    private long honestBlocks;

    /** The pool found a block. */
    public void poolBlock() {
        if (tie) {
            poolBlocks += 2; // its tied block and this one: the honest branch is orphaned
            tie = false;
            lead = 0;
        } else {
            lead++;
        }
    }

    /** The honest miners found a block; during a tie, {@code branch} says which branch they extended. */
    public void honestBlock(TieBranch branch) {
        if (tie) {
            if (branch == TieBranch.POOL) {
                poolBlocks += 1;
                honestBlocks += 1;
            } else {
                honestBlocks += 2;
            }
            tie = false;
            lead = 0;
            return;
        }
        switch (lead) {
            case 0 -> honestBlocks += 1;
            case 1 -> {
                tie = true; // publish the one private block: a race of two equal branches
                lead = 0;
            }
            case 2 -> {
                poolBlocks += 2; // publish both: the longer chain orphans the honest block
                lead = 0;
            }
            default -> {
                poolBlocks += 1; // publish one: it will be in the chain the pool wins with
                lead--;
            }
        }
    }

    /** How many blocks the pool keeps private beyond the public chain. */
    public int lead() {
        return lead;
    }

    /** Whether two equal branches, the pool's and an honest one, race. */
    public boolean tie() {
        return tie;
    }

    public long poolBlocks() {
        return poolBlocks;
    }

    public long honestBlocks() {
        return honestBlocks;
    }

    /** The pool's relative revenue: its share of the blocks in the winning chain. */
    public double relativeRevenue() {
        long total = poolBlocks + honestBlocks;
        return total == 0 ? 0 : (double) poolBlocks / total;
    }

    /** Eyal and Sirer's closed form of the pool's relative revenue (equation 8). */
    public static double theoreticalRevenue(double alpha, double gamma) {
        double a = alpha;
        double numerator = a * (1 - a) * (1 - a) * (4 * a + gamma * (1 - 2 * a)) - a * a * a;
        double denominator = 1 - a * (1 + (2 - a) * a);
        return numerator / denominator;
    }

    /** The share above which selfish mining pays (Eyal and Sirer, Observation 1): (1 - gamma) / (3 - 2 gamma). */
    public static double threshold(double gamma) {
        return (1 - gamma) / (3 - 2 * gamma);
    }
}
