package mvpos.chain;

/**
 * Where core code gets the time: milliseconds since the Unix epoch. It is injected; the wall clock
 * lives in the node layer ({@code mvpos.node.SystemClock}) and a simulation supplies a virtual one
 * (see docs/architecture.md, "Determinism").
 */
@FunctionalInterface
public interface Clock {
    long millis();
}
