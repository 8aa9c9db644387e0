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
                + "a random graph of 8 outbound peers) for each number of nodes, in this process, and prints the "
                + "wall time, events per second and the heap the nodes hold at the end (after a full GC).")
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
            SimReport report;
            Simulation simulation = new Simulation(scenario, 1);
            try {
                report = simulation.run((v, e, h) -> { });
            } catch (Exception e) {
                throw new Main.UserError("bench sim failed: " + e);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            long heap = runtime.totalMemory() - runtime.freeMemory(); // the nodes are still held: theirs
            java.lang.ref.Reference.reachabilityFence(simulation);
            out.printf(Locale.ROOT, "nodes %d  blocks %d  wall %.1f s  %.0f events/s  %d of %d on one head  "
                    + "heap after %d MB%n", scenario.nodes(), report.blocks(), wall, report.events() / wall,
                    report.nodesOnTheSameHead(), scenario.nodes(), heap >> 20);
            out.flush();
        }
    }
}
