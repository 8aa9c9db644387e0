package mvpos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import mvpos.bench.SimBlockRun;
import mvpos.sim.Scenario;
import mvpos.sim.ScenarioException;
import mvpos.sim.ScenarioReader;
import mvpos.sim.SimReport;
import mvpos.sim.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mvpos bench sim}: the simulator's cost against the number of nodes. */
@Command(name = "sim",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs the Bitcoin-like simulation (pow, 10-minute blocks, 20 miners, SimBlock's regions, "
                + "a random graph of 8 outbound peers: scenarios/bitcoin.yaml) for each number of nodes, in this "
                + "process, and prints the wall time, the process's CPU time, events per second, the heap the nodes "
                + "hold at the end (after a full GC) and the process's peak memory so far. The performance target, "
                + "10,000 nodes x 100 blocks in under 45 s and 1 GB: --nodes 10000 --blocks 100 with "
                + "MVPOS_JAVA_OPTS=\"-Xmx640m -XX:+UseParallelGC\". With --simblock DIR, a checkout of SimBlock "
                + "(github.com/dsg-titech/simblock), each run is followed by SimBlock's with the same nodes and blocks "
                + "(its default Bitcoin settings), built with this JDK's javac in a temporary copy and run as a child "
                + "process, and a side-by-side table ends the output. With --scenario FILE, that scenario instead, "
                + "as written (the FFG target: --scenario scenarios/pos-ffg-10k.yaml, 10,000 validators with FFG "
                + "over 10 epochs in under 2 minutes).")
final class SimBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N,N,...", defaultValue = "1000,2000,5000,10000", split = ",",
            description = "Numbers of nodes, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> nodes;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "20",
            description = "Blocks per run (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--simblock", paramLabel = "DIR",
            description = "A SimBlock checkout to run beside mvpos for each number of nodes (not modified: it is "
                    + "copied, with NUM_OF_NODES and END_BLOCK_HEIGHT set, compiled with javac and run).")
    Path simblock;

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "Runs this scenario once, as written, instead of the Bitcoin-like one per number of nodes "
                    + "(--nodes and --blocks do not apply).")
    Path scenarioFile;

    @Option(names = "--simblock-java-opts", paramLabel = "OPTS", defaultValue = "",
            description = "JVM options for SimBlock's process, space-separated (default: none, the JVM's own "
                    + "defaults, as SimBlock's Gradle start script gives).")
    String simblockJavaOpts;

    /** One number of nodes, measured on mvpos and (with --simblock) on SimBlock. */
    private record Row(int nodes, long blocks, double wall, long cpuNanos, long rssKb, SimBlockRun.Result simblock) {
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        SimBlockRun other = null;
        if (simblock != null) {
            try {
                other = SimBlockRun.prepare(simblock);
            } catch (SimBlockRun.Unusable e) {
                throw Main.badValue(spec, e.getMessage());
            }
        }
        List<String> otherOptions = simblockJavaOpts.isBlank() ? List.of()
                : Arrays.asList(simblockJavaOpts.strip().split("\\s+"));
        List<Row> rows = new ArrayList<>();
        List<Scenario> runs = new ArrayList<>();
        if (scenarioFile != null) {
            if (other != null) {
                throw Main.badValue(spec, "--scenario runs mvpos only; SimBlock runs its Bitcoin settings (drop --simblock)");
            }
            runs.add(readScenario(scenarioFile));
        }
        for (int n : scenarioFile != null ? List.<Integer>of() : nodes) {
            try {
                runs.add(ScenarioReader.read(ScenarioReader.parse("engine: pow\nslot: 10m\nvalidators: 20\nnodes: " + n
                        + "\nnetwork: {topology: {type: random, outbound: 8}, latency: {model: regions}}\nrun: {blocks: "
                        + blocks + "}\n"), "bench"));
            } catch (ScenarioException e) {
                throw new Main.UserError("--nodes " + n + " or --blocks " + blocks + ": " + e.getMessage());
            }
        }
        for (Scenario scenario : runs) {
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            SimReport report;
            Simulation simulation = new Simulation(scenario, 1);
            try {
                report = simulation.run((v, e, h) -> { });
            } catch (Exception e) {
                throw new Main.UserError("bench sim failed: " + e);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            long cpu = processCpuNanos() - cpuStart;
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            long heap = runtime.totalMemory() - runtime.freeMemory(); // the nodes are still held: theirs
            java.lang.ref.Reference.reachabilityFence(simulation);
            out.printf(Locale.ROOT, "nodes %d  validators %d  blocks %d  wall %.1f s  cpu %s  %.0f events/s  %d of %d "
                    + "on one head  %sinvariants %s  heap after %d MB  peak so far %s%n", scenario.nodes(),
                    scenario.validators(), report.blocks(), wall,
                    cpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", cpu / 1e9), report.events() / wall,
                    report.nodesOnTheSameHead(), scenario.nodes(),
                    "ffg".equals(scenario.finality()) ? "finalized epoch " + report.finalizedEpoch() + "  " : "",
                    report.violation() == null ? "ok" : "VIOLATED (" + report.violation().invariant() + ")",
                    heap >> 20, PeakMemory.describe());
            out.flush();
            SimBlockRun.Result theirs = other == null ? null : runSimBlock(other, scenario.nodes(), otherOptions, out);
            rows.add(new Row(scenario.nodes(), report.blocks(), wall, cpu, PeakMemory.rssKb(), theirs));
        }
        if (other != null) {
            printTable(rows, out);
        }
    }

    private Scenario readScenario(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        try {
            return ScenarioReader.read(ScenarioReader.parseFile(file), name);
        } catch (ScenarioException e) {
            throw Main.badValue(spec, "--scenario " + file + ": " + e.getMessage());
        }
    }

    private SimBlockRun.Result runSimBlock(SimBlockRun other, int n, List<String> options, PrintWriter out) {
        SimBlockRun.Result r;
        try {
            r = other.run(n, blocks, options);
        } catch (SimBlockRun.Unusable e) {
            throw Main.badValue(spec, e.getMessage());
        } catch (IOException e) {
            throw new Main.UserError("SimBlock run failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserError("SimBlock run interrupted");
        }
        out.printf(Locale.ROOT, "SimBlock nodes %d  blocks %d  wall %.1f s (its own timer %s)  cpu %s  peak %s  "
                        + "%s blocks on node 0's chain  %.0f MB of output files  (javac %.1f s, not counted)%n",
                r.nodes(), r.blocks(),
                r.wallSeconds(), r.reportedMillis() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s",
                        r.reportedMillis() / 1e3), seconds(r.cpuSeconds()), megabytes(r.peakRssKb()),
                r.chainBlocks() < 0 ? "n/a" : Integer.toString(r.chainBlocks()), r.outputBytes() / 1048576.0,
                r.compileSeconds());
        out.flush();
        return r;
    }

    private static void printTable(List<Row> rows, PrintWriter out) {
        out.println();
        out.printf(Locale.ROOT, "%7s %6s | %-30s | %-30s%n", "", "", "mvpos (in this process)",
                "SimBlock (child process)");
        out.printf(Locale.ROOT, "%7s %6s | %8s %8s %12s | %8s %8s %12s%n", "nodes", "blocks", "wall", "cpu",
                "peak RSS", "wall", "cpu", "peak RSS");
        for (Row row : rows) {
            SimBlockRun.Result r = row.simblock();
            out.printf(Locale.ROOT, "%7d %6d | %8s %8s %12s | %8s %8s %12s%n", row.nodes(), row.blocks(),
                    seconds(row.wall()), seconds(row.cpuNanos() < 0 ? -1 : row.cpuNanos() / 1e9),
                    megabytes(row.rssKb()), seconds(r.wallSeconds()), seconds(r.cpuSeconds()),
                    megabytes(r.peakRssKb()));
        }
        out.println("mvpos's peak RSS is the process's so far (it grows with the largest run); SimBlock's wall "
                + "time includes its JVM's start and its output files.");
        out.flush();
    }

    private static String seconds(double s) {
        return s < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static String megabytes(long kb) {
        return kb < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
    }

    /**
     * The CPU time of the whole process so far (every thread, the collector's included), or -1 where the
     * platform does not say: on a shared machine it varies less than the wall time.
     */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }
}
