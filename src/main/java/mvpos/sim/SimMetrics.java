package mvpos.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.crypto.HashKey;
import mvpos.node.NodeCore;

/**
 * What a simulation measures as it runs: when each block reached 50%, 90% and 100% of the nodes (from
 * when it was first added anywhere), every block produced, the depth of each reorganisation, and when
 * each checkpoint was first finalized.
 */
public final class SimMetrics {
    /** One block's spread: first seen, and the times it reached half, 90% and all of the nodes (-1: not yet). */
    public static final class Spread {
        final long height;
        final long firstMillis;
        int nodes;
        long half = -1;
        long most = -1;
        long all = -1;

        Spread(long height, long firstMillis) {
            this.height = height;
            this.firstMillis = firstMillis;
        }
    }

    private final int nodeCount;
    private final java.util.function.LongSupplier clock;
    private final Map<HashKey, Spread> blocks = new LinkedHashMap<>();
    private final TreeMap<Integer, Long> reorgDepths = new TreeMap<>();
    private final List<long[]> finalized = new ArrayList<>(); // {epoch, millis}

    public SimMetrics(int nodeCount, java.util.function.LongSupplier clock) {
        this.nodeCount = nodeCount;
        this.clock = clock;
    }

    /** Watches node {@code index} (call again with the new core after a restart). */
    public void watch(NodeCore node, int index) {
        node.onBlockAdded(added -> {
            long now = clock.getAsLong();
            Spread spread = blocks.computeIfAbsent(HashKey.of(added.block().hash()),
                    k -> new Spread(added.block().height(), now));
            spread.nodes++;
            long since = now - spread.firstMillis;
            if (spread.half < 0 && spread.nodes * 2 >= nodeCount) {
                spread.half = since;
            }
            if (spread.most < 0 && spread.nodes * 10 >= nodeCount * 9) {
                spread.most = since;
            }
            if (spread.all < 0 && spread.nodes >= nodeCount) {
                spread.all = since;
            }
        });
        node.onHeadChanged(change -> {
            if (change.reorgDepth() > 0) {
                reorgDepths.merge(change.reorgDepth(), 1L, Long::sum);
            }
        });
    }

    /** A checkpoint finalized for the first time on any node. */
    public void finalized(long epoch, long millis) {
        finalized.add(new long[] {epoch, millis});
    }

    public Map<HashKey, Spread> blocks() {
        return blocks;
    }

    public TreeMap<Integer, Long> reorgDepths() {
        return reorgDepths;
    }

    public List<long[]> finalizedCheckpoints() {
        return finalized;
    }

    /** The {@code p}-th percentile (0..100) of the values, nearest rank; -1 when there are none. */
    public static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
