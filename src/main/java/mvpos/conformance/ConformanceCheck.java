package mvpos.conformance;

/** One property every engine must have; a check is a small class named after it. */
public interface ConformanceCheck {

    /** A short name, as the report prints it. */
    String name();

    /** What the check asserts, in a sentence. */
    String description();

    /** Runs the check; returns normally when it holds. */
    void run(EngineUnderTest engine) throws Exception;
}
