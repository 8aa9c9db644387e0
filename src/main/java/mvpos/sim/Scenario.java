package mvpos.sim;

import mvpos.adversary.DoubleVoter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mvpos.crypto.RandomSource;

/**
 * What a simulation runs: the chain (engine, finality, slot), the nodes and validators with their
 * stakes, the network, the workload, the faults and how long. Read from a YAML file by
 * {@link ScenarioReader}, or built from flags; every value is checked when read.
 *
 * @param byzantine        validators that equivocate their finality votes ({@link DoubleVoter}) and bridge partitions
 * @param livenessMillis   after the last fault heals, finality (or one common head) must return within this (0: not checked)
 * @param powTickMillis    with {@code pow}, how often miners try (0: ten times a slot); each try is one attempt at
 *                         the seal, so the time a block is found is drawn at this resolution
 */
public record Scenario(String name, long seed, String engine, Map<String, String> engineParams, String finality,
                       long epochSlots, long slotMillis, int nodes, int validators, Stakes stakes,
                       NetworkSpec network, RunLength length, double transactionsPerSecond, List<Fault> faults,
                       List<Integer> byzantine, long livenessMillis, long powTickMillis) {

    public Scenario {
        engineParams = Map.copyOf(engineParams);
        faults = List.copyOf(faults);
        byzantine = List.copyOf(byzantine);
    }

    /** How the validators' stakes are drawn. */
    public sealed interface Stakes {
        /** Every validator's stake, drawn from {@code random}. */
        List<Long> draw(int validators, RandomSource random);
    }

    /** Every validator stakes the same. */
    public record EqualStakes(long amount) implements Stakes {
        @Override
        public List<Long> draw(int validators, RandomSource random) {
            return java.util.Collections.nCopies(validators, amount);
        }
    }

    /** Pareto-distributed stakes: a few large, many small ({@code shape} alpha, at least {@code minimum}). */
    public record ParetoStakes(double shape, long minimum) implements Stakes {
        @Override
        public List<Long> draw(int validators, RandomSource random) {
            List<Long> stakes = new ArrayList<>();
            for (int i = 0; i < validators; i++) {
                double u = (random.nextLong(1L << 53) + 1) / (double) (1L << 53); // in (0, 1]
                double stake = minimum / Math.pow(u, 1 / shape);
                stakes.add((long) Math.min(stake, 1e15));
            }
            return stakes;
        }
    }

    /** Stakes listed one per validator. */
    public record ExplicitStakes(List<Long> amounts) implements Stakes {
        public ExplicitStakes {
            amounts = List.copyOf(amounts);
        }

        @Override
        public List<Long> draw(int validators, RandomSource random) {
            return amounts;
        }
    }

    /** The network: who talks to whom, how long messages take, what happens to them on the way. */
    public record NetworkSpec(Topology topology, Latency latency, double bandwidthMbps, double loss, double duplication,
                              double reordering) {
    }

    /** Who each node's peers are. */
    public sealed interface Topology {
    }

    /** Every node talks to every other; broadcasts reach all, nothing is relayed. */
    public record FullMesh() implements Topology {
    }

    /** Each node opens {@code outbound} connections to random others; links go both ways; nodes relay. */
    public record RandomGraph(int outbound) implements Topology {
    }

    /** Links listed as pairs of nodes. */
    public record ExplicitLinks(List<List<Integer>> links) implements Topology {
        public ExplicitLinks {
            links = links.stream().map(List::copyOf).toList();
        }
    }

    /** How long a message takes to cross a link, before its size is counted. */
    public sealed interface Latency {
    }

    public record ConstantLatency(long millis) implements Latency {
    }

    public record UniformLatency(long minMillis, long maxMillis) implements Latency {
    }

    /** Log-normal: half the messages are faster than {@code medianMillis}; {@code sigma} its spread. */
    public record LogNormalLatency(long medianMillis, double sigma) implements Latency {
    }

    /** SimBlock's six regions, their latency matrix, bandwidths and Bitcoin's node distribution (2019). */
    public record RegionLatency() implements Latency {
    }

    /** How long a run lasts: the first of these reached (0: not a bound). */
    public record RunLength(long blocks, long slots, long millis) {
        /** The virtual duration, from slots or millis, 0 when only blocks bound the run. */
        public long durationMillis(long slotMillis) {
            long fromSlots = slots > 0 ? slots * slotMillis : 0;
            if (fromSlots > 0 && millis > 0) {
                return Math.min(fromSlots, millis);
            }
            return Math.max(fromSlots, millis);
        }
    }

    /** Something that goes wrong on a schedule. */
    public sealed interface Fault {
        /** When it starts, in virtual ms from the start of the run. */
        long startMillis();

        /** When it is over (the last effect), or {@link Long#MAX_VALUE} when it never is. */
        long endMillis();
    }

    /** The nodes split into {@code groups} (nodes not named form one more group) from start until heal. */
    public record Partition(List<List<Integer>> groups, long startMillis, long healMillis) implements Fault {
        public Partition {
            groups = groups.stream().map(List::copyOf).toList();
        }

        @Override
        public long endMillis() {
            return healMillis > 0 ? healMillis : Long.MAX_VALUE;
        }
    }

    /** A node crashes at start, and restarts from its own store at {@code restartMillis} (0: never). */
    public record Crash(int node, long startMillis, long restartMillis) implements Fault {
        @Override
        public long endMillis() {
            return restartMillis > 0 ? restartMillis : Long.MAX_VALUE;
        }
    }

    /** A node that is not there at the start joins (with an empty store) and syncs. */
    public record LateJoin(int node, long startMillis) implements Fault {
        @Override
        public long endMillis() {
            return startMillis;
        }
    }

    /** Every message takes {@code extraMillis} more from start to end. */
    public record DelaySpike(long startMillis, long endMillis, long extraMillis) implements Fault {
    }

    /** A node's clock runs {@code skewMillis} ahead (negative: behind) for the whole run. */
    public record ClockSkew(int node, long skewMillis) implements Fault {
        @Override
        public long startMillis() {
            return 0;
        }

        @Override
        public long endMillis() {
            return 0;
        }
    }

    /** When the last fault is over (0 with no faults; {@link Long#MAX_VALUE} if one never ends). */
    public long lastFaultEndMillis() {
        return faults.stream().mapToLong(Fault::endMillis).max().orElse(0);
    }
}
