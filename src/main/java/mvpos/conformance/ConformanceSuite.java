package mvpos.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import mvpos.consensus.Engines;

/**
 * The checks every consensus engine must pass, runnable against any engine on the class path (an
 * outside engine's jar included): {@code mvpos conformance --engine NAME}, or {@link #run} from a test.
 * Each check runs on its own seeded devnets, in virtual time, so a run is reproducible and its verdict
 * does not depend on the machine's speed.
 */
public final class ConformanceSuite {
    private final List<ConformanceCheck> checks;

    public ConformanceSuite(List<ConformanceCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Every check, in the order they run. */
    public static ConformanceSuite standard() {
        return new ConformanceSuite(List.of(new ChainGrowsAndConverges(), new SameSeedSameChain(),
                new BadSealsRefused(), new SealChangesOnlyTheSeal(), new PartitionReorganises(),
                new RestartRebuilds()));
    }

    public List<ConformanceCheck> checks() {
        return checks;
    }

    /**
     * Runs every check against {@code engine} with these genesis parameters; {@code progress} hears of
     * each result as it comes.
     *
     * @throws IllegalArgumentException for an engine not on the class path (naming the ones that are)
     */
    public ConformanceReport run(String engine, Map<String, String> params, Consumer<ConformanceReport.Result> progress) {
        Engines.named(engine);
        EngineUnderTest underTest = new EngineUnderTest(engine, params);
        List<ConformanceReport.Result> results = new ArrayList<>();
        for (ConformanceCheck check : checks) {
            long started = System.nanoTime(); // reported only: no verdict depends on it
            String failure = null;
            try {
                check.run(underTest);
            } catch (ConformanceFailure e) {
                failure = e.getMessage();
            } catch (Exception | AssertionError | StackOverflowError e) {
                failure = "threw " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            ConformanceReport.Result result = new ConformanceReport.Result(check.name(), check.description(),
                    failure == null, failure, (System.nanoTime() - started) / 1_000_000);
            results.add(result);
            progress.accept(result);
        }
        return new ConformanceReport(engine, params, results);
    }

    public ConformanceReport run(String engine, Map<String, String> params) {
        return run(engine, params, result -> { });
    }
}
