package mvpos.lab;

import java.util.ArrayList;
import java.util.List;
import mvpos.crypto.HashDrbg;

/**
 * What a lab's act runs with: the parameters, how many seeds, and the base seed. {@link #measure}
 * runs one trial per seed, each with its own generator derived from the base seed, the seed's index
 * and the point's key, so a point's result does not depend on which other points were run.
 */
public final class LabContext {
    private final LabParams params;
    private final int seeds;
    private final long baseSeed;

    public LabContext(LabParams params, int seeds, long baseSeed) {
        if (seeds < 2) {
            throw new IllegalArgumentException("--seeds must be at least 2 (a confidence interval needs two), not "
                    + seeds);
        }
        this.params = params;
        this.seeds = seeds;
        this.baseSeed = baseSeed;
    }

    public LabParams params() {
        return params;
    }

    public int seeds() {
        return seeds;
    }

    /** One run of a point with seed number {@code index}: returns the figure measured with that seed. */
    @FunctionalInterface
    public interface Trial {
        double run(HashDrbg random, long seed) throws Exception;
    }

    /** Runs {@code trial} once per seed; {@code key} names the point (act and sweep values). */
    public Estimate measure(String key, Trial trial) throws Exception {
        return Estimate.of(runEachSeed(key, trial));
    }

    /**
     * {@link #measure} for a proportion (a share or a probability, from 0 to 1 in every run): its interval
     * stays within [0, 1] ({@link Estimate#ofShares}).
     */
    public Estimate measureShare(String key, Trial trial) throws Exception {
        return Estimate.ofShares(runEachSeed(key, trial));
    }

    private List<Double> runEachSeed(String key, Trial trial) throws Exception {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            long seed = seedOf(key, i);
            values.add(trial.run(new HashDrbg(seed), seed));
        }
        return values;
    }

    /** The seed of run {@code index} of the point {@code key}: a fixed mix, the same on every JVM. */
    long seedOf(String key, int index) {
        long h = 1125899906842597L;
        for (int i = 0; i < key.length(); i++) {
            h = 31 * h + key.charAt(i);
        }
        long x = baseSeed * 0x9E3779B97F4A7C15L + h + index * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    /** A uniform number in [0, 1) from a generator. */
    public static double uniform(HashDrbg random) {
        return (random.nextLong() >>> 11) * 0x1.0p-53;
    }
}
