package mvpos.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mvpos.sim.Scenario;
import mvpos.sim.ScenarioException;
import mvpos.sim.ScenarioReader;
import mvpos.sim.SimOutput;
import mvpos.sim.SimPage;
import mvpos.sim.SimReport;
import mvpos.sim.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mvpos sim}: a deterministic simulation of real nodes, with faults and safety invariants. */
@Command(name = "sim",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs a scenario (a YAML file, or flags alone) of real nodes in virtual time: network model, faults, "
                + "byzantine validators; checks the safety invariants on every honest node as it runs and prints a "
                + "summary. The same seed gives the same output, byte for byte.",
            "Exit code 1 when an invariant is violated (with the command that replays it), 2 for a bad scenario."
        })
final class SimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO.yaml",
            description = "The scenario (default: flags and defaults only).")
    Path file;

    @Option(names = {"--seed", "--replay"}, paramLabel = "N",
            description = "The seed (default: the scenario's, else 1); --replay N runs a campaign's seed N again.")
    Long seed;

    @Option(names = "--seeds", paramLabel = "A..B", description = "A campaign: run every seed from A to B, one line each.")
    String seeds;

    @Option(names = "--random-faults", description = "Add faults drawn from each seed: a partition, a crash and "
            + "restart, a delay spike (each over before 80%% of the run).")
    boolean randomFaults;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...",
            description = "Run the scenario once for each value of one key (e.g. slot=600s,60s,10s), a line each.")
    String sweep;

    @Option(names = "--out", paramLabel = "DIR", description = "Write CSV files, JSON lines and index.html (charts and the summary; a campaign's: a table of "
                    + "its seeds), a page that opens offline, here.")
    Path out;

    @Option(names = "--json", description = "Print the summary as one JSON line.")
    boolean json;

    @Option(names = "--quiet", description = "No progress on standard error.")
    boolean quiet;

    @Option(names = "--nodes", paramLabel = "N", description = "Sets nodes.")
    String nodes;

    @Option(names = "--validators", paramLabel = "N", description = "Sets validators.")
    String validators;

    @Option(names = "--engine", paramLabel = "NAME", description = "Sets engine (pos, pow, poa, bft, ...).")
    String engine;

    @Option(names = "--engine-param", paramLabel = "KEY=VALUE",
            description = "Sets engineParams.KEY, an engine parameter (repeatable).")
    java.util.Map<String, String> engineParams = new java.util.LinkedHashMap<>();

    @Option(names = "--finality", paramLabel = "GADGET", description = "Sets finality (none or ffg).")
    String finality;

    @Option(names = "--epoch", paramLabel = "SLOTS", description = "Sets epoch.")
    String epoch;

    @Option(names = "--slot", paramLabel = "DURATION", description = "Sets slot.")
    String slot;

    @Option(names = "--blocks", paramLabel = "N", description = "Sets run.blocks.")
    String blocks;

    @Option(names = "--slots", paramLabel = "N", description = "Sets run.slots.")
    String slots;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Sets run.duration (virtual time).")
    String duration;

    @Option(names = "--topology", paramLabel = "TYPE", description = "Sets network.topology (full-mesh, random).")
    String topology;

    @Option(names = "--tps", paramLabel = "N", description = "Sets workload.tps.")
    String tps;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        String source = file == null ? "(flags)" : file.toString();
        Scenario scenario;
        try {
            scenario = scenario();
        } catch (ScenarioException e) {
            err.println("mvpos: error: " + source + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        long first;
        long last;
        if (seeds != null) {
            String[] range = seeds.split("\\.\\.", -1);
            try {
                first = Long.parseLong(range[0]);
                last = range.length == 2 ? Long.parseLong(range[1]) : -1;
            } catch (NumberFormatException e) {
                last = -1;
                first = 0;
            }
            if (range.length != 2 || first < 0 || last < first) {
                err.println("mvpos: error: --seeds must be A..B with 0 <= A <= B, not '" + seeds + "'");
                err.flush();
                return 2;
            }
        } else {
            first = seed != null ? seed : scenario.seed();
            last = first;
        }
        if (sweep != null) {
            return sweep(stdout, err, first);
        }
        int violations = 0;
        List<SimReport> campaign = new ArrayList<>();
        long wallStart = System.nanoTime();
        for (long s = first; s <= last; s++) {
            Simulation simulation = new Simulation(randomFaults ? mvpos.sim.RandomFaults.add(scenario, s) : scenario, s);
            long runStart = System.nanoTime();
            SimReport report = simulation.run(quiet || seeds != null ? (v, e, h) -> { } : progress(err, scenario));
            double wall = (System.nanoTime() - runStart) / 1e9;
            if (seeds != null) {
                stdout.println(SimOutput.line(report));
            } else {
                stdout.print(json ? SimOutput.json(report) + "\n" : SimOutput.text(report));
                if (!quiet) {
                    err.printf(Locale.ROOT, "%nwall %.1f s  %.0f events/s  peak memory %s%n", wall,
                            report.events() / Math.max(wall, 1e-9), PeakMemory.describe());
                }
            }
            if (out != null) {
                SimOutput.write(out, report, simulation.metrics());
                if (seeds == null) {
                    SimPage.of(report, simulation.metrics(), scenario.epochSlots() * scenario.slotMillis()).write(out);
                } else {
                    campaign.add(report);
                }
            }
            if (report.violated()) {
                violations++;
                stdout.println("replay: " + replay(s));
            }
            stdout.flush();
        }
        if (seeds != null && out != null) {
            SimPage.campaign(scenario.name(), campaign).write(out);
        }
        if (seeds != null) {
            double minutes = (System.nanoTime() - wallStart) / 6e10;
            stdout.printf(Locale.ROOT, "seeds %d  violations %d  seeds/minute %.1f%n", last - first + 1, violations,
                    (last - first + 1) / Math.max(minutes, 1e-9));
            stdout.flush();
        }
        return violations > 0 ? 1 : 0;
    }

    /** {@code --sweep KEY=V1,V2}: the scenario once per value, one line each (stale rate, propagation). */
    private int sweep(PrintWriter stdout, PrintWriter err, long s) throws Exception {
        int equals = sweep.indexOf('=');
        if (equals < 1 || equals == sweep.length() - 1) {
            err.println("mvpos: error: --sweep must be KEY=V1,V2,... (e.g. slot=600s,60s), not '" + sweep + "'");
            err.flush();
            return 2;
        }
        String key = sweep.substring(0, equals);
        int violations = 0;
        for (String value : sweep.substring(equals + 1).split(",")) {
            Scenario swept;
            try {
                ObjectNode tree = tree();
                ScenarioReader.override(tree, key, value.strip());
                swept = ScenarioReader.read(tree, name());
            } catch (ScenarioException e) {
                err.println("mvpos: error: " + (file == null ? "(flags)" : file) + ": " + e.getMessage());
                err.flush();
                return 2;
            }
            SimReport report = new Simulation(swept, s).run((v, e, h) -> { });
            stdout.printf(Locale.ROOT, "%s=%s: blocks %d  produced %d  stale rate %.2f%%  "
                    + "propagation to 90%% median %d ms%s%n", key, value.strip(), report.blocks(),
                    report.producedBlocks(), 100 * report.staleRate(), report.propagationMillis().get("p90"),
                    report.violated() ? "  VIOLATION " + report.violation().invariant() : "");
            stdout.flush();
            violations += report.violated() ? 1 : 0;
        }
        return violations > 0 ? 1 : 0;
    }

    private String name() {
        return file == null ? "flags" : file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    }

    private Scenario scenario() throws ScenarioException {
        return ScenarioReader.read(tree(), name());
    }

    /** The scenario's tree: the file's (or an empty one), with the flags applied. */
    private ObjectNode tree() throws ScenarioException {
        ObjectNode tree;
        if (file != null) {
            tree = ScenarioReader.parseFile(file);
        } else {
            tree = ScenarioReader.parse("");
        }
        String[][] overrides = {{"nodes", nodes}, {"validators", validators}, {"engine", engine},
            {"finality", finality}, {"epoch", epoch}, {"slot", slot}, {"run.blocks", blocks}, {"run.slots", slots},
            {"run.duration", duration}, {"network.topology", topology}, {"workload.tps", tps}};
        for (String[] o : overrides) {
            if (o[1] != null) {
                if (o[0].startsWith("run.")) {
                    tree.remove("run"); // a length given as a flag replaces the scenario's
                }
                ScenarioReader.override(tree, o[0], o[1]);
            }
        }
        for (java.util.Map.Entry<String, String> param : engineParams.entrySet()) {
            if (param.getKey().isBlank() || param.getKey().contains(".")) {
                throw new ScenarioException("engineParams", "--engine-param needs KEY=VALUE with a plain key, not '"
                        + param.getKey() + "'");
            }
            ScenarioReader.override(tree, "engineParams." + param.getKey(), "'" + param.getValue().replace("'", "''")
                    + "'");
        }
        return tree;
    }

    /** The command that runs this seed again, with the flags this run was given. */
    private String replay(long s) {
        List<String> args = new ArrayList<>(List.of("mvpos", "sim"));
        if (file != null) {
            args.add(file.toString());
        }
        String[][] flags = {{"--nodes", nodes}, {"--validators", validators}, {"--engine", engine},
            {"--finality", finality}, {"--epoch", epoch}, {"--slot", slot}, {"--blocks", blocks}, {"--slots", slots},
            {"--duration", duration}, {"--topology", topology}, {"--tps", tps}};
        for (String[] f : flags) {
            if (f[1] != null) {
                args.add(f[0]);
                args.add(f[1]);
            }
        }
        engineParams.forEach((key, value) -> {
            args.add("--engine-param");
            args.add(key + "=" + value);
        });
        if (randomFaults) {
            args.add("--random-faults");
        }
        args.add("--seed");
        args.add(Long.toString(s));
        return String.join(" ", args);
    }

    /** Progress on standard error, at most once a second of wall time: virtual time, events/s, ETA. */
    private static Simulation.Progress progress(PrintWriter err, Scenario scenario) {
        long start = System.nanoTime();
        long[] lastPrint = {start};
        long duration = scenario.length().durationMillis(scenario.slotMillis());
        long blocks = scenario.length().blocks();
        return (virtual, events, head) -> {
            long now = System.nanoTime();
            if (now - lastPrint[0] < 1_000_000_000L) {
                return;
            }
            lastPrint[0] = now;
            double wall = (now - start) / 1e9;
            double done = Math.max(duration > 0 ? (double) virtual / duration : 0, blocks > 0 ? (double) head / blocks : 0);
            String eta = done > 0 ? String.format(Locale.ROOT, "%.0fs", wall * (1 - done) / done) : "?";
            err.printf(Locale.ROOT, "\rvirtual %ds  height %d  %.0f events/s  ETA %s   ", virtual / 1_000, head,
                    events / wall, eta);
            err.flush();
        };
    }
}
