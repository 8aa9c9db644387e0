package mvpos.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import mvpos.chain.Block;
import mvpos.chain.ChainStore;
import mvpos.chain.RocksChainStore;
import mvpos.crypto.HashDrbg;
import mvpos.net.P2pNode;
import mvpos.net.TcpNetwork;
import mvpos.node.Node;
import mvpos.node.PeerAddress;
import mvpos.node.SystemClock;

/**
 * The load behind {@code mvpos bench sync}: a node that has a chain (imported untimed) and a fresh
 * node that connects to it over TCP on loopback and syncs the whole chain (range requests, signatures
 * verified on every core, each range applied and committed to RocksDB); times the catch-up.
 */
public final class SyncBench {
    /** How long the fresh node may take before the run counts as failed. */
    static final long TIMEOUT_MILLIS = 600_000;

    /** What the catch-up took, and the CPU time the whole process (both nodes) used meanwhile. */
    public record Figures(long blocks, long transactions, double seconds, double cpuSeconds) {
        public double blocksPerSecond() {
            return blocks / seconds;
        }

        public double txPerSecond() {
            return transactions / seconds;
        }
    }

    private SyncBench() {
    }

    /** Builds the chain, gives it to one node, syncs a fresh node from it, in a temporary directory. */
    public static Figures run(ImportBench.Config config, Consumer<String> progress)
            throws IOException, ChainStore.StoreException, InterruptedException, ExecutionException,
            TcpNetwork.StartException {
        ImportBench.Chain chain = ImportBench.build(config);
        progress.accept(Measure.format("built %,d blocks x %,d transfers (%,d transactions)", config.blocks(),
                config.txsPerBlock(), chain.transactions()));
        Path work = Files.createTempDirectory("mvpos-bench-sync");
        try (Node source = Node.open(chain.genesis(), RocksChainStore.open(work.resolve("source")), SystemClock.INSTANCE,
                null, new HashDrbg(1))) {
            List<Block> blocks = chain.blocks();
            for (int from = 0; from < blocks.size(); from += ImportBench.MAX_BATCH) {
                source.importBlocks(blocks.subList(from, Math.min(from + ImportBench.MAX_BATCH, blocks.size())));
            }
            if (source.head().height() != blocks.size()) {
                throw new IllegalStateException("the source node imported " + source.head().height() + " of "
                        + blocks.size() + " blocks");
            }
            try (P2pNode sourceNet = P2pNode.start(source, TcpNetwork.Config.defaults("127.0.0.1", 0), List.of(),
                    SystemClock.INSTANCE, new HashDrbg(2), 1);
                 Node fresh = Node.open(chain.genesis(), RocksChainStore.open(work.resolve("fresh")),
                         SystemClock.INSTANCE, null, new HashDrbg(3))) {
                progress.accept("source node has the chain; a fresh node connects to it and syncs");
                long start = System.nanoTime();
                long cpuStart = Measure.processCpuNanos();
                try (P2pNode freshNet = P2pNode.start(fresh, TcpNetwork.Config.defaults("127.0.0.1", 0),
                        List.of(new PeerAddress("127.0.0.1", sourceNet.network().port())), SystemClock.INSTANCE,
                        new HashDrbg(4), 1)) {
                    long deadline = start + TIMEOUT_MILLIS * 1_000_000L;
                    while (fresh.head().height() < source.head().height()) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("the fresh node reached only block "
                                    + fresh.head().height() + " of " + source.head().height());
                        }
                        Thread.sleep(2);
                    }
                }
                double seconds = Measure.seconds(start);
                double cpuSeconds = (Measure.processCpuNanos() - cpuStart) / 1e9;
                if (!fresh.head().equals(source.head())) {
                    throw new IllegalStateException("the fresh node ended on another head");
                }
                Figures figures = new Figures(blocks.size(), chain.transactions(), seconds, cpuSeconds);
                progress.accept(Measure.format("synced %,d blocks (%,d transactions) over TCP in %.2f s: %,.0f blocks/s, "
                        + "%,.0f transactions/s (the process used %.2f CPU-seconds: %.2f of %d cores busy)",
                        figures.blocks(), figures.transactions(), seconds, figures.blocksPerSecond(),
                        figures.txPerSecond(), cpuSeconds, cpuSeconds / seconds,
                        Runtime.getRuntime().availableProcessors()));
                return figures;
            }
        } finally {
            ImportBench.deleteRecursively(work);
        }
    }
}
