package mvpos.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
                + "MVPOS_JAVA_OPTS=\"-Xmx640m -XX:+UseParallelGC\".")
final class SimBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N,N,...", defaultValue = "1000,2000,5000,10000", split = ",",
            description = "Numbers of nodes, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> nodes;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "20",
            description = "Blocks per run (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<Scenario> runs = new ArrayList<>();
        for (int n : nodes) {
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
            out.printf(Locale.ROOT, "nodes %d  blocks %d  wall %.1f s  cpu %s  %.0f events/s  %d of %d on one head  "
                    + "heap after %d MB  peak so far %s%n", scenario.nodes(), report.blocks(), wall,
                    cpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", cpu / 1e9), report.events() / wall,
                    report.nodesOnTheSameHead(), scenario.nodes(), heap >> 20, PeakMemory.describe());
            out.flush();
        }
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
