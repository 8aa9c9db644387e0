package mvpos.bench;

import java.util.concurrent.TimeUnit;
import mvpos.consensus.StakeSampler;
import mvpos.crypto.HashDrbg;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: the cost of one stake-weighted selection ({@code mvpos bench sampler}).
 *
 * <p>The tutorial's lottery needed 68 s and 14.2 GB for one round between 2 validators staking 10^8
 * each. Here {@code selectProposer} is one random draw and a walk down a Fenwick tree; {@code
 * buildAndSelect} is a whole lobby round (the tree is built from the round's proposers, then one is
 * drawn). Run with the GC profiler, {@code gc.alloc.rate.norm} shows the bytes allocated per
 * operation: nothing for a selection, and for a round only what is proportional to the number of
 * validators, never to their stake.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SamplerBenchmark {

    @Param({"2", "100000"})
    public int validators;

    @Param({"100000000"})
    public long stake;

    private long[] stakes;
    private StakeSampler sampler;
    private HashDrbg random;

    @Setup
    public void setUp() {
        stakes = new long[validators];
        HashDrbg stakeSource = new HashDrbg(7);
        for (int i = 0; i < validators; i++) {
            // Two validators stake exactly `stake`; a large set gets stakes spread up to `stake`.
            stakes[i] = validators == 2 ? stake : 1 + stakeSource.nextLong(stake);
        }
        sampler = StakeSampler.of(stakes);
        random = new HashDrbg(42);
    }

    @Benchmark
    public int selectProposer() {
        return sampler.selectProposer(random);
    }

    @Benchmark
    public int buildAndSelect() {
        return StakeSampler.of(stakes).selectProposer(random);
    }
}
