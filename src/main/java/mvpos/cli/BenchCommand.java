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
            PropagationBenchCommand.class, ExplorerBenchCommand.class, SimBenchCommand.class})
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
}
