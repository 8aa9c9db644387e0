package mvpos.crypto;

/**
 * Where core code gets its randomness. It is injected, never created below the node layer, so a run
 * with a seeded source ({@link HashDrbg}) is reproducible and one with a secure source is not
 * predictable (see docs/architecture.md, "Determinism").
 */
public interface RandomSource {

    /** 64 uniformly random bits. */
    long nextLong();

    /** Fills {@code out} with random bytes. */
    default void nextBytes(byte[] out) {
        for (int i = 0; i < out.length; i += 8) {
            long r = nextLong();
            for (int j = 0; j < 8 && i + j < out.length; j++) {
                out[i + j] = (byte) (r >>> (8 * j));
            }
        }
    }

    /**
     * A uniform value in {@code [0, bound)} for a positive bound, by rejection sampling so that no
     * value is more likely than another (a plain modulo would favour small values).
     */
    default long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long mask = -1L >>> Long.numberOfLeadingZeros(bound - 1 | 1);
        while (true) {
            long candidate = nextLong() & mask;
            if (candidate < bound) {
                return candidate;
            }
        }
    }
}
