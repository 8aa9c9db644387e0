package mvpos.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mvpos.chain.Account;
import mvpos.consensus.PosEngine;
import mvpos.consensus.StakeSampler;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.state.BucketedState;
import mvpos.state.State;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;

/**
 * JMH: the cost of the pos engine's proposer selection ({@code mvpos bench proposer}), through the
 * engine's own rule ({@link PosEngine#selectProposer(byte[], long, StakeSampler)} and
 * {@link PosEngine.Validators}), not a copy of it.
 *
 * <ul>
 *   <li>{@code selectProposer}: the proposer of one slot once its epoch's sampler is built: hash the
 *       epoch seed with the slot, seed a {@link HashDrbg}, one stake-weighted draw (O(log n));</li>
 *   <li>{@code buildSampler}: the epoch's sampler from n stakes (O(n), once per epoch);</li>
 *   <li>{@code buildValidators}: what the engine does once per epoch: read the validators (accounts
 *       with stake, in address order) out of the boundary block's state and build the sampler.</li>
 * </ul>
 * Stakes are varied (1 to 10^8) and seeded, so every run measures the same validator set.
 */
@org.openjdk.jmh.annotations.State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProposerBenchmark {

    @Param({"100000"})
    public int validators;

    private long[] stakes;
    private State state;
    private PosEngine.Validators epochValidators;
    private StakeSampler sampler;
    private byte[] epochSeed;
    private long slot;

    @Setup
    public void setUp() {
        HashDrbg random = new HashDrbg(7);
        stakes = new long[validators];
        Map<Address, Account> accounts = new HashMap<>();
        for (int i = 0; i < validators; i++) {
            stakes[i] = 1 + random.nextLong(100_000_000L);
            byte[] address = new byte[Address.LENGTH];
            random.nextBytes(address);
            accounts.put(new Address(address), new Account(0, 0, stakes[i]));
        }
        state = BucketedState.of(accounts);
        epochValidators = PosEngine.Validators.of(state);
        sampler = StakeSampler.of(stakes);
        epochSeed = new byte[32];
        random.nextBytes(epochSeed);
    }

    /** One slot's proposer, from the sampler alone (index). */
    @Benchmark
    public int selectProposer() {
        return PosEngine.selectProposer(epochSeed, slot++, sampler);
    }

    /** One slot's proposer's address, as the engine asks it of an epoch's validators. */
    @Benchmark
    public Address selectProposerAddress() {
        return epochValidators.selectProposer(epochSeed, slot++);
    }

    @Benchmark
    public StakeSampler buildSampler() {
        return StakeSampler.of(stakes);
    }

    @Benchmark
    public PosEngine.Validators buildValidators() {
        return PosEngine.Validators.of(state);
    }
}
