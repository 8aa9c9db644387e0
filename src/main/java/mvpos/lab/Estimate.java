package mvpos.lab;

import java.util.List;

/**
 * A measured figure over seeds: the mean of one value per seed and its 95% confidence interval,
 * {@code mean ± t(0.975, n-1) · s / √n} (Student's t, since a lab runs few seeds).
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

    static double t975(int degrees) {
        return degrees <= T975.length ? T975[degrees - 1] : 1.96;
    }

    public double halfWidth() {
        return (ciHigh - ciLow) / 2;
    }
}
