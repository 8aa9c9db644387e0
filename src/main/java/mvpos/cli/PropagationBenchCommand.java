package mvpos.cli;

import java.io.PrintWriter;
import mvpos.bench.PropagationBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mvpos bench propagation}: how fast a new block reaches every node of a loopback testnet. */
@Command(name = "propagation",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs a poa testnet of N nodes on loopback in one process (real TCP, RocksDB, peers as "
                + "'mvpos testnet' gives them) and measures, for each block, the time from its producer to every node.")
final class PropagationBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "16", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--blocks", paramLabel = "B", defaultValue = "30",
            description = "Blocks measured (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--slot", paramLabel = "DURATION", defaultValue = "500ms", converter = DurationConverter.class,
            description = "Time between blocks (default: ${DEFAULT-VALUE}).")
    java.time.Duration slot;

    @Override
    public void run() {
        if (nodes < 2 || nodes > 64) {
            throw new Main.UserError("--nodes must be between 2 and 64, got " + nodes);
        }
        if (blocks < 1 || blocks > 10_000) {
            throw new Main.UserError("--blocks must be between 1 and 10000, got " + blocks);
        }
        if (slot.toMillis() < 50) {
            throw new Main.UserError("--slot must be at least 50ms");
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            PropagationBench.run(nodes, slot.toMillis(), blocks, 8, line -> {
                out.println(line);
                out.flush();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new Main.UserError("bench propagation failed: " + e.getMessage());
        }
    }
}
