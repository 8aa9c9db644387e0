package mvpos.conformance;

/** A conformance check that did not hold: the message says what was expected and what happened. */
public final class ConformanceFailure extends Exception {
    public ConformanceFailure(String message) {
        super(message);
    }

    /** Fails with {@code message} unless {@code condition} holds. */
    static void expect(boolean condition, String message) throws ConformanceFailure {
        if (!condition) {
            throw new ConformanceFailure(message);
        }
    }
}
