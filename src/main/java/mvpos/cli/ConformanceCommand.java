package mvpos.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import mvpos.conformance.ConformanceCheck;
import mvpos.conformance.ConformanceReport;
import mvpos.conformance.ConformanceSuite;
import mvpos.consensus.EngineChoice;
import mvpos.consensus.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mvpos conformance --engine NAME}: the conformance kit run against an engine on the class path
 * (an outside engine's jar through {@code MVPOS_CLASSPATH}); one line per check, exit code 1 when any fails.
 */
@Command(name = "conformance",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs the conformance checks every consensus engine must pass (growth and convergence, "
                + "determinism, bad seals refused, seal() changes only the seal, fork resolution with a state "
                + "reorganisation, restart) against an engine on the class path; add your engine's jar with "
                + "MVPOS_CLASSPATH. Exit code 0 when all pass, 1 when any fails.")
final class ConformanceCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "The engine to check, by the name it registers.")
    String engine;

    @Option(names = "--engine-param", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A genesis parameter for the engine (repeatable), beside those a devnet fills in.")
    Map<String, String> engineParams = new LinkedHashMap<>();

    @Option(names = "--list", description = "List the checks and what each asserts, without running them.")
    boolean list;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        ConformanceSuite suite = ConformanceSuite.standard();
        if (list) {
            for (ConformanceCheck check : suite.checks()) {
                out.printf("%-28s %s%n", check.name(), check.description());
            }
            out.flush();
            return;
        }
        if (engine == null) {
            throw Main.badValue(spec, "give the engine to check with --engine NAME; available: "
                    + String.join(", ", Engines.names()));
        }
        if (!Engines.names().contains(engine)) {
            throw Main.badValue(spec, "unknown engine '" + engine + "'; available: " + String.join(", ", Engines.names()));
        }
        try {
            mvpos.node.TestnetGenesis.of(new EngineChoice(engine, engineParams, null, null),
                    java.util.List.of(mvpos.crypto.KeyPair.generate(new mvpos.crypto.HashDrbg(1))), 0, 1_000,
                    mvpos.chain.Genesis.NO_FINALITY, 1);
        } catch (IllegalArgumentException e) {
            throw Main.badValue(spec, e.getMessage());
        }
        out.printf("conformance of engine '%s'%s: %d checks on seeded devnets of 4 validators%n", engine,
                engineParams.isEmpty() ? "" : " " + engineParams, suite.checks().size());
        out.flush();
        ConformanceReport report = suite.run(engine, engineParams, result -> {
            out.println(result.line());
            out.flush();
        });
        out.println(report.summary());
        out.flush();
        if (!report.passed()) {
            throw new Main.UserError(report.summary()); // exit code 1
        }
    }
}
