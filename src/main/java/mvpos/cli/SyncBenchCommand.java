package mvpos.cli;

import java.io.PrintWriter;
import mvpos.bench.ImportBench;
import mvpos.bench.SyncBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mvpos bench sync}: how fast a fresh node catches up from a peer over TCP. */
@Command(name = "sync",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Gives a chain of signed transfers to one node, then times a fresh node syncing all of it "
                + "from that node over TCP on loopback (range requests, parallel signature checks, RocksDB).")
final class SyncBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "10000",
            description = "Blocks in the chain (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--txs-per-block", paramLabel = "M", defaultValue = "10",
            description = "Transfers in each block (default: ${DEFAULT-VALUE}).")
    int txsPerBlock;

    @Option(names = "--accounts", paramLabel = "K", defaultValue = "1000",
            description = "Funded accounts that send and receive them (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the keys and transfers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        ImportBenchCommand.checkChain(blocks, txsPerBlock, accounts);
        PrintWriter out = spec.commandLine().getOut();
        try {
            SyncBench.run(new ImportBench.Config(blocks, txsPerBlock, accounts, ImportBench.MAX_BATCH, seed, 1), line -> {
                out.println(line);
                out.flush();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserError("bench sync interrupted");
        } catch (Exception e) {
            throw new Main.UserError("bench sync failed: " + e.getMessage());
        }
    }
}
