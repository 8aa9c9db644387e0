package mvpos.lab;

import java.util.List;

/**
 * A measured figure over seeds: the mean of one value per seed and its 95% confidence interval,
 * {@code mean ± t(0.975, n-1) · s / √n} (Student's t, since a lab runs few seeds). The interval of a
 * proportion (a share or a probability) stays within [0, 1]: {@link #ofShares} clips the t interval there,
 * {@link #wilson} gives Wilson's score interval for a count of successes.
 */
public record Estimate(double mean, double ciLow, double ciHigh, int seeds) {
    /** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};

    public static Estimate of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            throw new IllegalArgumentException("an estimate needs at least one seed");
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        if (n == 1) {
            return new Estimate(mean, mean, mean, 1);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double halfWidth = t975(n - 1) * Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
        return new Estimate(mean, mean - halfWidth, mean + halfWidth, n);
    }

    /**
     * The estimate of a proportion measured once per seed (each value a share from 0 to 1): the t interval
     * of {@link #of}, clipped to [0, 1]. A proportion cannot lie outside [0, 1], so the clipped interval
     * covers it whenever the t interval does: its coverage is the same (Mandelkern 2002, Setting confidence
     * intervals for bounded parameters, Statistical Science 17(2), section 2: intersecting an interval with
     * the physically allowed region keeps its coverage).
     */
    public static Estimate ofShares(List<Double> values) {
        for (double v : values) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("a share is from 0 to 1, not " + v);
            }
        }
        Estimate t = of(values);
        return new Estimate(t.mean, clip(t.ciLow), clip(t.ciHigh), t.seeds);
    }

    /**
     * Wilson's score interval (Wilson 1927, Probable inference, the law of succession, and statistical
     * inference, JASA 22(158), 209-212; the form of Agresti and Coull 1998, eq. 2) for {@code successes} of
     * {@code trials} independent trials: {@code (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)} with
     * z = 1.96. It lies within [0, 1] and contains p, and unlike p ± z √(p(1-p)/n) it is not empty at 0 or n
     * successes. {@code seeds}: how many seeds the trials were spread over (for the report).
     */
    public static Estimate wilson(long successes, long trials, int seeds) {
        if (trials < 1 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("successes must be from 0 to trials (at least 1), not " + successes
                    + " of " + trials);
        }
        double n = trials;
        double p = successes / n;
        double z = 1.959963984540054;
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
        // The exact interval contains p; the bounds are kept so when rounding would put p just outside.
        return new Estimate(p, Math.min(p, clip(centre - half)), Math.max(p, clip(centre + half)), seeds);
    }

    private static double clip(double x) {
        return Math.max(0, Math.min(1, x));
    }

    static double t975(int degrees) {
        return degrees <= T975.length ? T975[degrees - 1] : 1.96;
    }

    public double halfWidth() {
        return (ciHigh - ciLow) / 2;
    }
}
