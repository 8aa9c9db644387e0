package mvpos.adversary;

/**
 * RANDAO bias by withholding: a validator that proposes the last {@code m} slots of an epoch sees the
 * mix that will seed the epoch after next before anyone else, and may skip some of those slots (withhold
 * its reveals) to pick among {@code m + 1} mixes (reveal the first {@code m - j}, skip the last {@code j}).
 * It counts, for each, its slots in the epoch the mix seeds, plus the blocks it still makes now, minus
 * {@code penalty} for each slot it skips, and takes the best: a choice worth something only while the
 * penalty for a missed slot is small.
 */
public final class RandaoBiaser {
    private final double penalty;

    /** @param penalty what a skipped slot costs, in blocks (0: only the lost block) */
    public RandaoBiaser(double penalty) {
        if (penalty < 0) {
            throw new IllegalArgumentException("a penalty cannot be negative");
        }
        this.penalty = penalty;
    }

    /**
     * How many of its last slots to skip: {@code slotsIfSkipping[j]} is its slot count in the seeded epoch
     * when it skips the last {@code j} of its {@code slotsIfSkipping.length - 1} tail slots.
     */
    public int skips(int[] slotsIfSkipping) {
        int tail = slotsIfSkipping.length - 1;
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= tail; j++) {
            double value = slotsIfSkipping[j] + (tail - j) - j * penalty;
            if (value > bestValue) { // ties go to fewer skips
                bestValue = value;
                best = j;
            }
        }
        return best;
    }

    public double penalty() {
        return penalty;
    }
}
