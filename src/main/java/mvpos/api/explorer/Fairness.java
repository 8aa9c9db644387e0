package mvpos.api.explorer;

/**
 * Whether a validator won about as many proposals as its share says: a binomial test. Over {@code n}
 * draws that each pick it with probability {@code p}, it expects {@code n p} wins with standard
 * deviation {@code sqrt(n p (1 - p))}; {@code z} is how many deviations its wins are from that.
 *
 * @param verdict {@code "as expected"} (|z| &le; 2, what a fair lottery gives 95% of the time),
 *                {@code "unusual"} (|z| &le; 3), {@code "unlikely by chance"} beyond, or
 *                {@code "too few blocks"} before there are 10 expected wins to judge by
 */
public record Fairness(long won, double expected, double z, String verdict) {
    /** Expected wins below which no verdict is given. */
    static final double MIN_EXPECTED = 10;

    /** @param draws how many proposals were decided; @param share the validator's probability of each */
    public static Fairness of(long won, long draws, double share) {
        double expected = draws * share;
        double deviation = Math.sqrt(draws * share * (1 - share));
        double z = deviation == 0 ? 0 : (won - expected) / deviation;
        String verdict = expected < MIN_EXPECTED && draws * (1 - share) < MIN_EXPECTED ? "too few blocks"
                : expected < MIN_EXPECTED ? "too few blocks"
                : Math.abs(z) <= 2 ? "as expected" : Math.abs(z) <= 3 ? "unusual" : "unlikely by chance";
        return new Fairness(won, expected, z, verdict);
    }

    /**
     * As {@link #of}, when each draw had its own probability (the lobby's rounds, each among its own
     * candidates): the expectation and variance add up over the draws.
     */
    public static Fairness ofDraws(long won, double expected, double variance) {
        double z = variance <= 0 ? 0 : (won - expected) / Math.sqrt(variance);
        String verdict = expected < MIN_EXPECTED ? "too few blocks"
                : Math.abs(z) <= 2 ? "as expected" : Math.abs(z) <= 3 ? "unusual" : "unlikely by chance";
        return new Fairness(won, expected, z, verdict);
    }
}
