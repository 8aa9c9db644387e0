package mvpos.sim;

import java.util.ArrayList;
import java.util.List;
import mvpos.crypto.HashDrbg;

/**
 * Faults drawn from a campaign's seed: a partition of the nodes into two random groups, a crash with a
 * restart, and a delay spike, each at a random time within the first 60% of the run and over by 80% of
 * it, so the run ends healed and liveness can be judged. The same seed draws the same faults.
 */
public final class RandomFaults {
    private RandomFaults() {
    }

    /** The scenario with faults drawn from {@code seed} added to its own (needs a length in slots or time). */
    public static Scenario add(Scenario scenario, long seed) {
        long length = scenario.length().durationMillis(scenario.slotMillis());
        if (length == 0) {
            length = scenario.length().blocks() * scenario.slotMillis();
        }
        HashDrbg random = new HashDrbg(seed ^ 0xfa017L);
        List<Scenario.Fault> faults = new ArrayList<>(scenario.faults());
        int nodes = scenario.nodes();
        if (nodes >= 2) {
            List<Integer> side = new ArrayList<>();
            List<Integer> other = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                (random.nextLong(2) == 0 ? side : other).add(i);
            }
            long[] window = window(random, length);
            faults.add(new Scenario.Partition(List.of(side, other), window[0], window[1]));
            long[] crash = window(random, length);
            faults.add(new Scenario.Crash((int) random.nextLong(nodes), crash[0], crash[1]));
        }
        long[] spike = window(random, length);
        faults.add(new Scenario.DelaySpike(spike[0], spike[1], 100 + random.nextLong(2_000)));
        return new Scenario(scenario.name(), scenario.seed(), scenario.engine(), scenario.engineParams(),
                scenario.finality(), scenario.epochSlots(), scenario.slotMillis(), nodes, scenario.validators(),
                scenario.stakes(), scenario.network(), scenario.length(), scenario.transactionsPerSecond(), faults,
                scenario.byzantine(), scenario.livenessMillis(), scenario.powTickMillis());
    }

    /** A start in the first 60% of the run and an end after it, by 80% of the run. */
    private static long[] window(HashDrbg random, long length) {
        long start = 1 + random.nextLong(Math.max(1, length * 6 / 10));
        long end = start + 1 + random.nextLong(Math.max(1, length * 8 / 10 - start));
        return new long[] {start, end};
    }
}
