package mvpos.sim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import mvpos.chain.Block;
import mvpos.crypto.RandomSource;
import mvpos.net.Message;

/**
 * A scenario's network as the {@link SimNetwork} uses it: each node's neighbours (from the topology) and
 * the {@link SimNetwork.Links} that draw each message's delay: latency, plus its size over the bandwidth,
 * then loss, duplication and reordering. Every draw comes from the network's seeded random source.
 */
public final class NetworkModel implements SimNetwork.Links {
    /** Sizes assumed for messages that carry no block (a vote, a transaction, a request), in bytes. */
    static final int SMALL_MESSAGE_BYTES = 200;

    private final Scenario.NetworkSpec spec;
    private final int[] regions;
    private final Map<Block, Integer> blockSizes = new IdentityHashMap<>();

    private NetworkModel(Scenario.NetworkSpec spec, int[] regions) {
        this.spec = spec;
        this.regions = regions;
    }

    /** The links of {@code spec} for {@code nodes} nodes (regions, if any, placed from {@code random}). */
    public static NetworkModel of(Scenario.NetworkSpec spec, int nodes, RandomSource random) {
        return new NetworkModel(spec, spec.latency() instanceof Scenario.RegionLatency
                ? SimBlockRegions.assign(nodes, random) : new int[0]);
    }

    /** Each node's neighbours, or null for a full mesh. */
    public static int[][] neighbours(Scenario.Topology topology, int nodes, RandomSource random) {
        if (topology instanceof Scenario.FullMesh) {
            return null;
        }
        List<TreeSet<Integer>> peers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            peers.add(new TreeSet<>());
        }
        if (topology instanceof Scenario.RandomGraph graph) {
            int outbound = Math.min(graph.outbound(), nodes - 1);
            for (int i = 0; i < nodes; i++) {
                int opened = 0;
                while (opened < outbound) {
                    int j = (int) random.nextLong(nodes);
                    if (j != i && !peers.get(i).contains(j)) {
                        peers.get(i).add(j);
                        peers.get(j).add(i);
                        opened++;
                    } else if (peers.get(i).size() >= nodes - 1) {
                        break;
                    }
                }
            }
        } else if (topology instanceof Scenario.ExplicitLinks links) {
            for (List<Integer> pair : links.links()) {
                if (!pair.get(0).equals(pair.get(1))) {
                    peers.get(pair.get(0)).add(pair.get(1));
                    peers.get(pair.get(1)).add(pair.get(0));
                }
            }
        }
        int[][] out = new int[nodes][];
        for (int i = 0; i < nodes; i++) {
            out[i] = peers.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /** A uniform draw in [0, 1). */
    static double uniform(RandomSource random) {
        return random.nextLong(1L << 53) / (double) (1L << 53);
    }

    @Override
    public long[] delays(int from, int to, Message message, RandomSource random) {
        if (spec.loss() > 0 && uniform(random) < spec.loss()) {
            return new long[0];
        }
        double latency = latency(from, to, random);
        double bps = bandwidthBps(from, to);
        double transfer = bps > 0 ? sizeOf(message) * 8_000.0 / bps : 0;
        long delay = Math.round(latency + transfer);
        if (spec.reordering() > 0 && uniform(random) < spec.reordering()) {
            delay += Math.round(uniform(random) * 2 * Math.max(1, latency)); // overtaken by later messages
        }
        if (spec.duplication() > 0 && uniform(random) < spec.duplication()) {
            return new long[] {delay, delay + Math.round(uniform(random) * Math.max(1, latency))};
        }
        return new long[] {delay};
    }

    private double latency(int from, int to, RandomSource random) {
        return switch (spec.latency()) {
            case Scenario.ConstantLatency c -> c.millis();
            case Scenario.UniformLatency u -> u.minMillis() + (u.maxMillis() == u.minMillis() ? 0
                    : random.nextLong(u.maxMillis() - u.minMillis() + 1));
            case Scenario.LogNormalLatency l -> {
                double u1 = 1 - uniform(random);
                double u2 = uniform(random);
                double gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
                yield Math.min(600_000, l.medianMillis() * Math.exp(l.sigma() * gaussian));
            }
            case Scenario.RegionLatency r -> SimBlockRegions.LATENCY_MILLIS[regions[from]][regions[to]]
                    * (0.9 + 0.2 * uniform(random));
        };
    }

    /** The bandwidth a message gets: the scenario's, else the sender's upload or the receiver's download. */
    private double bandwidthBps(int from, int to) {
        if (spec.bandwidthMbps() > 0) {
            return spec.bandwidthMbps() * 1_000_000;
        }
        if (regions.length > 0) {
            return Math.min(SimBlockRegions.UPLOAD_BPS[regions[from]], SimBlockRegions.DOWNLOAD_BPS[regions[to]]);
        }
        return 0;
    }

    /** A message's size on the wire, in bytes (a block's encoding measured once per block). */
    int sizeOf(Message message) {
        return switch (message) {
            case Message.NewBlock b -> blockSize(b.block());
            case Message.Blocks bs -> bs.blocks().stream().mapToInt(this::blockSize).sum();
            case Message.EngineMessage m -> Math.max(SMALL_MESSAGE_BYTES, m.size());
            default -> SMALL_MESSAGE_BYTES;
        };
    }

    private int blockSize(Block block) {
        if (blockSizes.size() > 4_096) {
            blockSizes.clear();
        }
        return blockSizes.computeIfAbsent(block, b -> b.encode().length);
    }

    /** The longest a message takes without faults or reordering, roughly (for letting a run settle). */
    public long delayBound() {
        long latency = switch (spec.latency()) {
            case Scenario.ConstantLatency c -> c.millis();
            case Scenario.UniformLatency u -> u.maxMillis();
            case Scenario.LogNormalLatency l -> (long) (l.medianMillis() * Math.exp(3 * l.sigma()));
            case Scenario.RegionLatency r -> 400;
        };
        return latency * 3 + 1_000;
    }
}
