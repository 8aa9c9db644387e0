package mvpos.cli;

import mvpos.bench.ProposerBenchmark;
import mvpos.bench.SamplerBenchmark;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mvpos bench}: the project's own load generators and micro-benchmarks. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Load generators and benchmarks; each prints the figures it measured.",
        subcommands = {BenchCommand.Sampler.class, BenchCommand.Proposer.class, BenchCommand.Signatures.class,
            LobbyBenchCommand.class, ImportBenchCommand.class, VoteBenchCommand.class, SyncBenchCommand.class,
            PropagationBenchCommand.class, ExplorerBenchCommand.class, BenchCommand.ForkChoice.class,
            SimBenchCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "signatures",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "JMH benchmark of Ed25519 verification, one thread, with the JDK, BouncyCastle and "
                + "libsodium (through lazysodium): the measurement behind the choice of signature library.")
    static final class Signatures implements Runnable {
        @Option(names = "--quick", description = "Fewer, shorter iterations (a rough figure in about 30 s).")
        boolean quick;

        @Override
        public void run() {
            runJmh(mvpos.bench.SignatureBenchmark.class, quick, false);
        }
    }

    static void runJmh(Class<?> benchmark, boolean quick, boolean gcProfiler) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getName())
                .forks(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(1));
        if (gcProfiler) {
            options.addProfiler(GCProfiler.class);
        }
        try {
            new Runner(options.build()).run();
        } catch (RunnerException e) {
            throw new Main.UserError("the benchmark failed: " + e.getMessage());
        }
    }

    @Command(name = "sampler",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {
                "JMH benchmark of stake-weighted proposer selection: among 2 validators staking 10^8 each, "
                    + "and among 100,000 validators.",
                "Reports ns per operation and, with the GC profiler, bytes allocated per operation "
                    + "(gc.alloc.rate.norm)."
            })
    static final class Sampler implements Runnable {
        @Option(names = "--quick", description = "Fewer, shorter iterations (a rough figure in about 30 s).")
        boolean quick;

        @Override
        public void run() {
            runJmh(SamplerBenchmark.class, quick, true);
        }
    }

    @Command(name = "proposer",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {
                "JMH benchmark of the pos engine's proposer selection among 100,000 validators: one slot's "
                    + "proposer once the epoch's sampler is built (seed hash, HashDrbg, stake-weighted draw), "
                    + "and building the epoch's sampler (from the stakes, and from the boundary block's state).",
                "Reports ns per operation and, with the GC profiler, bytes allocated per operation "
                    + "(gc.alloc.rate.norm)."
            })
    static final class Proposer implements Runnable {
        @Option(names = "--quick", description = "Fewer, shorter iterations (a rough figure in about 30 s).")
        boolean quick;

        @Override
        public void run() {
            runJmh(ProposerBenchmark.class, quick, true);
        }
    }

    @Command(name = "fork-choice",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "Times LMD-GHOST's head computation (latest messages, FFG filter, proposer boost) over a "
                + "forking tree, one new latest message before each computation; prints the median, p99 and max.")
    static final class ForkChoice implements Runnable {
        @Option(names = "--validators", paramLabel = "N", defaultValue = "10000",
                description = "Validators, each with a latest message (default: ${DEFAULT-VALUE}).")
        int validators;

        @Option(names = "--blocks", paramLabel = "N", defaultValue = "256",
                description = "Blocks in the tree, each on one of the last eight (default: ${DEFAULT-VALUE}).")
        int blocks;

        @Option(names = "--runs", paramLabel = "N", defaultValue = "2000",
                description = "Head computations measured (default: ${DEFAULT-VALUE}).")
        int runs;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (validators < 1 || validators > 1_000_000 || blocks < 1 || blocks > 100_000 || runs < 1 || runs > 1_000_000) {
                throw Main.badValue(spec, "--validators must be 1 to 1000000, --blocks 1 to 100000, --runs 1 to 1000000");
            }
            var result = mvpos.bench.ForkChoiceBench.run(validators, blocks, runs, 1);
            spec.commandLine().getOut().println(result.line());
            spec.commandLine().getOut().flush();
        }
    }
}
