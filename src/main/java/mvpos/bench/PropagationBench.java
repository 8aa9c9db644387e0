package mvpos.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import mvpos.chain.Genesis;
import mvpos.chain.RocksChainStore;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.net.P2pNode;
import mvpos.net.TcpNetwork;
import mvpos.node.Node;
import mvpos.node.PeerAddress;
import mvpos.node.SystemClock;
import mvpos.node.TestnetGenesis;

/**
 * The load behind {@code mvpos bench propagation}: a poa testnet of N nodes on loopback (each with its
 * own RocksDB store, TCP transport and peers as {@code mvpos testnet} gives them: everyone up to 8
 * nodes, a ring with chords beyond), in one process; for each block, the time from the moment its
 * producer made it to the moment each other node took it as its head.
 */
public final class PropagationBench {
    /** Blocks at the start left out (nodes still connecting). */
    static final int WARM_UP_BLOCKS = 5;

    /** The delays measured, in milliseconds. */
    public record Figures(int nodes, int blocks, double medianToEveryNode, double medianToAllNodes,
                          double p90ToAllNodes) {
    }

    private PropagationBench() {
    }

    public static Figures run(int nodes, long slotMillis, int blocks, int fullMeshMax, Consumer<String> progress)
            throws Exception {
        HashDrbg random = new HashDrbg(7);
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            keys.add(KeyPair.generate(random));
        }
        long start = SystemClock.INSTANCE.millis() + 2_000;
        Genesis genesis = TestnetGenesis.of("poa", keys, start, slotMillis, "none", 8);
        Path work = Files.createTempDirectory("mvpos-bench-propagation");
        Map<String, Long> producedAt = new ConcurrentHashMap<>();
        Map<String, long[]> arrivals = new ConcurrentHashMap<>();
        Map<String, Long> heightOf = new ConcurrentHashMap<>();
        List<Node> running = new ArrayList<>();
        List<P2pNode> networks = new ArrayList<>();
        try {
            int[] ports = new int[nodes];
            for (int i = 0; i < nodes; i++) {
                Node node = Node.open(genesis, RocksChainStore.open(work.resolve("node" + i)), SystemClock.INSTANCE,
                        keys.get(i), new HashDrbg(100 + i));
                running.add(node);
                int index = i;
                node.core().onHeadChanged(change -> {
                    long now = System.nanoTime();
                    String hash = Hex.encode(change.head().hash());
                    heightOf.putIfAbsent(hash, change.head().height());
                    if (change.head().header().proposer().equals(keys.get(index).address())) {
                        producedAt.putIfAbsent(hash, now);
                    }
                    arrivals.computeIfAbsent(hash, h -> filled(nodes))[index] = now;
                });
                P2pNode p2p = P2pNode.start(node, TcpNetwork.Config.defaults("127.0.0.1", 0)
                        .withConnectionLimits(TcpNetwork.Config.DEFAULT_MAX_CONNECTIONS,
                                TcpNetwork.Config.DEFAULT_MAX_CONNECTIONS), List.of(), SystemClock.INSTANCE,
                        new HashDrbg(200 + i), 1);
                networks.add(p2p);
                ports[i] = p2p.network().port();
            }
            for (int i = 0; i < nodes; i++) {
                for (int peer : TestnetGenesis.bootstrapPeers(i, nodes, fullMeshMax)) {
                    networks.get(i).network().connect("127.0.0.1", ports[peer]);
                }
            }
            progress.accept(String.format("%d nodes connected on loopback; a block every %d ms", nodes, slotMillis));
            for (P2pNode p2p : networks) {
                p2p.startProducing(Math.max(10, slotMillis / 10));
            }
            long deadline = System.nanoTime() + (blocks + WARM_UP_BLOCKS + 10) * slotMillis * 2_000_000L + 10_000_000_000L;
            while (running.get(0).head().height() < blocks + WARM_UP_BLOCKS + 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(Math.max(500, slotMillis));
        } finally {
            networks.forEach(P2pNode::close);
            running.forEach(Node::close);
            ImportBench.deleteRecursively(work);
        }
        List<Double> toEach = new ArrayList<>();
        List<Double> toAll = new ArrayList<>();
        for (Map.Entry<String, Long> produced : producedAt.entrySet()) {
            long height = heightOf.getOrDefault(produced.getKey(), 0L);
            if (height <= WARM_UP_BLOCKS) {
                continue;
            }
            long[] times = arrivals.get(produced.getKey());
            double worst = 0;
            boolean everyone = true;
            for (long t : times) {
                if (t == Long.MIN_VALUE) {
                    everyone = false;
                    continue;
                }
                double ms = (t - produced.getValue()) / 1e6;
                toEach.add(ms);
                worst = Math.max(worst, ms);
            }
            if (everyone) {
                toAll.add(worst);
            }
        }
        if (toAll.isEmpty()) {
            throw new IllegalStateException("no block reached every node");
        }
        Figures figures = new Figures(nodes, toAll.size(), percentile(toEach, 50), percentile(toAll, 50),
                percentile(toAll, 90));
        progress.accept(String.format("%d blocks reached all %d nodes: median %.1f ms to the last node (p90 %.1f ms); "
                + "median %.1f ms to a node", figures.blocks(), nodes, figures.medianToAllNodes(), figures.p90ToAllNodes(),
                figures.medianToEveryNode()));
        return figures;
    }

    private static long[] filled(int n) {
        long[] times = new long[n];
        Arrays.fill(times, Long.MIN_VALUE);
        return times;
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
