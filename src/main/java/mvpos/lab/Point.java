package mvpos.lab;

import java.util.Map;

/**
 * One act at one sweep point: the parameters of the point, the measured estimate over seeds, what the
 * published formula predicts ({@code null} where none applies) and where the formula comes from.
 * {@code tolerance} widens the interval for the comparison where the formula is known to simplify the
 * model (stated in the lab), so that a verdict is not a coin toss on a rounding.
 */
public record Point(Act act, Map<String, Object> params, Estimate estimate, Double theory, String source,
                    double tolerance) {

    /** The three acts of a lab. */
    public enum Act {
        BUILD, ATTACK, IMPROVE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Point {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    public Point(Act act, Map<String, Object> params, Estimate estimate, Double theory, String source) {
        this(act, params, estimate, theory, source, 0);
    }

    /** Whether theory lies within the confidence interval (widened by the tolerance); true without theory. */
    public boolean agrees() {
        return theory == null || theory >= estimate.ciLow() - tolerance - 1e-12
                && theory <= estimate.ciHigh() + tolerance + 1e-12;
    }

    /** The value of a numeric parameter of this point. */
    public double param(String name) {
        return ((Number) params.get(name)).doubleValue();
    }
}
