package mvpos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import mvpos.bench.ImportBench;
import mvpos.chain.ChainStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mvpos bench import}: block import throughput against what the cores can verify. */
@Command(name = "import",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Builds a chain of N blocks of M signed transfers among K accounts in memory, then imports it into a "
                + "new node over RocksDB (in a temporary directory, deleted afterwards), B blocks per call.",
            "Reports transactions/s and blocks/s of the import, the single-thread Ed25519 verify rate, the cores, "
                + "and the import as a share of verify rate x cores (the target is 70%%), then where the time goes."
        })
final class ImportBenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "200",
            description = "Blocks in the chain (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--txs-per-block", paramLabel = "M", defaultValue = "500",
            description = "Transfers in each block (default: ${DEFAULT-VALUE}).")
    int txsPerBlock;

    @Option(names = "--accounts", paramLabel = "K", defaultValue = "1000",
            description = "Funded accounts that send and receive them (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "100",
            description = "Blocks per import call, like a range a syncing node receives (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the keys and transfers; the same seed builds the same chain (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "3",
            description = "Timed imports, each into a new store; the median is compared (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--json", description = "Print one JSON object with the figures instead of lines.")
    boolean json;

    @Override
    public void run() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        ImportBench.Config config = new ImportBench.Config(blocks, txsPerBlock, accounts, batch, seed, runs);
        ImportBench.Report report;
        try {
            report = ImportBench.run(config, null, 2.0, json ? line -> { } : line -> {
                out.println(line);
                out.flush();
            });
        } catch (IOException | ChainStore.StoreException | ExecutionException | IllegalStateException e) {
            throw new Main.UserError("bench import failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserError("bench import interrupted");
        }
        if (json) {
            out.println(JsonLine.of(report.figures()));
        }
        out.flush();
    }

    private void validate() {
        checkChain(blocks, txsPerBlock, accounts);
        if (runs < 1 || runs > 25) {
            throw new Main.UserError("--runs must be between 1 and 25, got " + runs);
        }
        if (batch < 1 || batch > ImportBench.MAX_BATCH) {
            throw new Main.UserError("--batch must be between 1 and " + ImportBench.MAX_BATCH + ", got " + batch);
        }
    }

    /** The options that size a benchmark chain (import, sync): each within bounds, the whole fitting in memory. */
    static void checkChain(int blocks, int txsPerBlock, int accounts) {
        if (blocks < 1 || blocks > ImportBench.MAX_BLOCKS) {
            throw new Main.UserError("--blocks must be between 1 and " + ImportBench.MAX_BLOCKS + ", got " + blocks);
        }
        if (txsPerBlock < 1 || txsPerBlock > mvpos.node.Node.MAX_TXS_PER_BLOCK) {
            throw new Main.UserError("--txs-per-block must be between 1 and " + mvpos.node.Node.MAX_TXS_PER_BLOCK
                    + " (the most a block of the node carries), got " + txsPerBlock);
        }
        if (accounts < 2 || accounts > ImportBench.MAX_ACCOUNTS) {
            throw new Main.UserError("--accounts must be between 2 and " + ImportBench.MAX_ACCOUNTS + ", got " + accounts);
        }
        if ((long) blocks * txsPerBlock > ImportBench.MAX_TRANSACTIONS) {
            throw new Main.UserError("--blocks x --txs-per-block must be at most " + ImportBench.MAX_TRANSACTIONS
                    + " (the chain is built in memory), got " + (long) blocks * txsPerBlock);
        }
    }
}
