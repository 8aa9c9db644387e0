package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.stream.LongStream;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.RandomSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.api.Test;

class StakeSamplerTest {
    private static final BigInteger TWO_POW_64 = BigInteger.ONE.shiftLeft(64);

    // ---------------------------------------------------------------- generators

    /** Stakes biased towards the interesting values: 0, small, and near 2^63 - 1 (so sums overflow 64 bits). */
    @Provide
    static Arbitrary<Long> stake() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0L)),
                Tuple.of(3, Arbitraries.longs().between(1, 1_000)),
                Tuple.of(2, Arbitraries.longs().between(1, Long.MAX_VALUE)),
                Tuple.of(2, Arbitraries.longs().between(Long.MAX_VALUE - 1_000, Long.MAX_VALUE)));
    }

    @Provide
    Arbitrary<long[]> stakes() {
        return stake().list().ofMinSize(1).ofMaxSize(40)
                .map(list -> list.stream().mapToLong(Long::longValue).toArray());
    }

    /** Stakes with at least one positive stake, so there is someone to select. */
    @Provide
    Arbitrary<long[]> selectableStakes() {
        return stakes().filter(s -> Arrays.stream(s).anyMatch(x -> x > 0));
    }

    @Provide
    Arbitrary<List<Tuple2<Integer, Long>>> updates() {
        // (index, stake) pairs; the index is reduced modulo the number of validators when applied.
        return Combinators.combine(Arbitraries.integers().between(0, 1_000), stake()).as(Tuple::of)
                .list().ofMaxSize(60);
    }

    private static BigInteger sum(long[] stakes) {
        return Arrays.stream(stakes).mapToObj(BigInteger::valueOf).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /** A sampler that reaches {@code stakes} through setStake only, after arbitrary intermediate updates. */
    private static StakeSampler builtOneByOne(long[] stakes, List<Tuple2<Integer, Long>> updates) {
        StakeSampler sampler = new StakeSampler(stakes.length);
        for (Tuple2<Integer, Long> update : updates) {
            sampler.setStake(update.get1() % stakes.length, update.get2());
        }
        for (int i = 0; i < stakes.length; i++) {
            sampler.setStake(i, stakes[i]);
        }
        return sampler;
    }

    // ---------------------------------------------------------------- properties

    /** Whoever is selected has stake: validators with stake 0 are never chosen. */
    @Property(tries = 500)
    void selectedValidatorHasStake(@ForAll("selectableStakes") long[] stakes, @ForAll long seed) {
        StakeSampler sampler = StakeSampler.of(stakes);
        HashDrbg random = new HashDrbg(seed);
        for (int draw = 0; draw < 50; draw++) {
            int index = sampler.selectProposer(random);
            assertThat(index).isBetween(0, stakes.length - 1);
            assertThat(stakes[index]).as("stake of selected validator %d", index).isPositive();
        }
    }

    /**
     * The O(n) bulk build and O(log n) updates give the same tree: with the same seeded source, both samplers
     * select the same validators, and report the same stakes and total.
     */
    @Property(tries = 500)
    void bulkBuildAndIncrementalUpdatesAgree(@ForAll("selectableStakes") long[] stakes,
                                             @ForAll("updates") List<Tuple2<Integer, Long>> updates,
                                             @ForAll long seed) {
        StakeSampler bulk = StakeSampler.of(stakes);
        StakeSampler incremental = builtOneByOne(stakes, updates);
        assertThat(incremental.totalStake()).isEqualTo(bulk.totalStake());
        for (int i = 0; i < stakes.length; i++) {
            assertThat(incremental.stakeOf(i)).isEqualTo(stakes[i]);
        }
        HashDrbg a = new HashDrbg(seed);
        HashDrbg b = new HashDrbg(seed);
        for (int draw = 0; draw < 30; draw++) {
            assertThat(incremental.selectProposer(b)).as("draw %d", draw).isEqualTo(bulk.selectProposer(a));
        }
    }

    /** totalStake() is the exact (unsigned 128-bit) sum, however far beyond 2^64 it goes. */
    @Property(tries = 500)
    void totalStakeIsTheExactSum(@ForAll("stakes") long[] stakes,
                                 @ForAll("updates") List<Tuple2<Integer, Long>> updates) {
        assertThat(StakeSampler.of(stakes).totalStake()).isEqualTo(sum(stakes).toString());
        assertThat(builtOneByOne(stakes, updates).totalStake()).isEqualTo(sum(stakes).toString());
        assertThat(StakeSampler.of(stakes).hasNoStake()).isEqualTo(sum(stakes).signum() == 0);
    }

    /**
     * The exact mapping from a draw to a validator: a draw r in [0, total) selects the validator i with
     * prefix(i) <= r < prefix(i + 1), prefix being the sum of the stakes before i. The draw is scripted:
     * the sampler asks for nextLong(total) when the total fits in a long, otherwise for 64-bit words (high
     * word first when the total needs more than 64 bits). Each r is tried at the boundaries of every range.
     */
    @Property(tries = 300)
    void drawSelectsTheValidatorWhoseRangeContainsIt(@ForAll("selectableStakes") long[] stakes) {
        StakeSampler sampler = StakeSampler.of(stakes);
        BigInteger total = sum(stakes);
        BigInteger prefix = BigInteger.ZERO;
        for (int i = 0; i < stakes.length; i++) {
            BigInteger next = prefix.add(BigInteger.valueOf(stakes[i]));
            if (stakes[i] > 0) {
                for (BigInteger r : List.of(prefix, next.subtract(BigInteger.ONE), prefix.add(next).shiftRight(1))) {
                    assertThat(sampler.selectProposer(new ScriptedDraw(total, r))).as("draw %s", r).isEqualTo(i);
                }
            }
            prefix = next;
        }
    }

    /** Plays back one chosen draw r through whichever entry point of RandomSource the sampler uses. */
    private static final class ScriptedDraw implements RandomSource {
        private final BigInteger total;
        private final long r;
        private final Deque<Long> words = new ArrayDeque<>();

        ScriptedDraw(BigInteger total, BigInteger r) {
            this.total = total;
            this.r = r.longValue();
            if (total.bitLength() > 64) {
                words.add(r.shiftRight(64).longValue());
            }
            words.add(r.longValue());
        }

        @Override
        public long nextLong(long bound) {
            assertThat(BigInteger.valueOf(bound)).as("bound asked for").isEqualTo(total);
            return r;
        }

        @Override
        public long nextLong() {
            assertThat(words).as("more random words than the draw needs").isNotEmpty();
            return words.poll();
        }
    }

    // ---------------------------------------------------------------- extremes and errors

    @Test
    void everyStakeUpToLongMaxValueWorks() {
        for (long stake : new long[] {1, 2, Integer.MAX_VALUE, 1L << 62, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
            StakeSampler sampler = StakeSampler.of(new long[] {0, stake, 0});
            assertThat(sampler.totalStake()).isEqualTo(Long.toString(stake));
            HashDrbg random = new HashDrbg(stake);
            for (int i = 0; i < 20; i++) {
                assertThat(sampler.selectProposer(random)).isEqualTo(1);
            }
        }
    }

    @Test
    void hundredThousandValidatorsAtLongMaxValue() {
        int n = 100_000;
        long[] stakes = new long[n];
        Arrays.fill(stakes, Long.MAX_VALUE);
        String expectedTotal = BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.valueOf(n)).toString();
        assertThat(new BigInteger(expectedTotal)).isGreaterThan(TWO_POW_64);

        StakeSampler bulk = StakeSampler.of(stakes);
        StakeSampler incremental = new StakeSampler(n);
        for (int i = 0; i < n; i++) {
            incremental.setStake(i, Long.MAX_VALUE);
        }
        assertThat(bulk.totalStake()).isEqualTo(expectedTotal);
        assertThat(incremental.totalStake()).isEqualTo(expectedTotal);

        // All stakes are equal, so the index is uniform on [0, n): over 2,000 draws the mean index is within
        // 5 standard deviations of (n - 1) / 2. The sd of the mean is sqrt((n^2 - 1) / 12 / draws) ~ 645.
        int draws = 2_000;
        HashDrbg a = new HashDrbg(99);
        HashDrbg b = new HashDrbg(99);
        double sumOfIndices = 0;
        for (int d = 0; d < draws; d++) {
            int index = bulk.selectProposer(a);
            assertThat(incremental.selectProposer(b)).isEqualTo(index);
            sumOfIndices += index;
        }
        double sdOfMean = Math.sqrt(((double) n * n - 1) / 12 / draws);
        assertThat(sumOfIndices / draws).isBetween((n - 1) / 2.0 - 5 * sdOfMean, (n - 1) / 2.0 + 5 * sdOfMean);
    }

    @Test
    void allZeroStakesCannotSelect() {
        assertThatThrownBy(() -> StakeSampler.of(new long[] {0, 0, 0}).selectProposer(new HashDrbg(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new StakeSampler(0).selectProposer(new HashDrbg(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new StakeSampler(5).selectProposer(new HashDrbg(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stakeSetBackToZeroCannotSelect() {
        StakeSampler sampler = StakeSampler.of(new long[] {Long.MAX_VALUE, Long.MAX_VALUE, 7});
        sampler.setStake(0, 0);
        sampler.setStake(2, 0);
        sampler.setStake(1, 0);
        assertThat(sampler.hasNoStake()).isTrue();
        assertThat(sampler.totalStake()).isEqualTo("0");
        assertThatThrownBy(() -> sampler.selectProposer(new HashDrbg(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeStakeIsRejected() {
        assertThatThrownBy(() -> StakeSampler.of(new long[] {5, -1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> StakeSampler.of(new long[] {Long.MIN_VALUE}))
                .isInstanceOf(IllegalArgumentException.class);
        StakeSampler sampler = StakeSampler.of(new long[] {5, 6});
        assertThatThrownBy(() -> sampler.setStake(1, -3)).isInstanceOf(IllegalArgumentException.class);
        // A rejected update changes nothing.
        assertThat(sampler.stakeOf(1)).isEqualTo(6);
        assertThat(sampler.totalStake()).isEqualTo("11");
        assertThatThrownBy(() -> new StakeSampler(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoValidatorsWithTenToTheEightEachBothWin() {
        // The tutorial's lottery needed a ticket per token here (10^8 each); the sampler just draws a number.
        StakeSampler sampler = StakeSampler.of(new long[] {100_000_000L, 100_000_000L});
        HashDrbg random = new HashDrbg(2024);
        boolean[] won = new boolean[2];
        for (int i = 0; i < 1_000; i++) {
            won[sampler.selectProposer(random)] = true;
        }
        assertThat(won).containsExactly(true, true);
    }

    // ---------------------------------------------------------------- statistics

    /**
     * 200,000 draws from a fixed-seed HashDrbg; validator i must be selected n * p_i times give or take
     * 5 standard deviations, sd_i = sqrt(n p_i (1 - p_i)) (binomial). With an unbiased sampler a 5-sd
     * deviation has probability below 6e-7 per count, and the fixed seed makes the outcome deterministic;
     * an off-by-one range, a dropped carry or a biased reduction moves a count by far more. For a p_i
     * around 1e-19 the tolerance is ~0, i.e. that validator must not be selected at all.
     */
    private static void assertDistribution(long[] stakes, long seed) {
        int n = 200_000;
        StakeSampler sampler = StakeSampler.of(stakes);
        HashDrbg random = new HashDrbg(seed);
        int[] counts = new int[stakes.length];
        for (int i = 0; i < n; i++) {
            counts[sampler.selectProposer(random)]++;
        }
        double total = sum(stakes).doubleValue();
        for (int i = 0; i < stakes.length; i++) {
            double p = stakes[i] / total;
            double expected = n * p;
            double tolerance = 5 * Math.sqrt(n * p * (1 - p));
            assertThat((double) counts[i])
                    .as("validator %d of %s: expected %.1f +- %.1f", i, Arrays.toString(stakes), expected, tolerance)
                    .isBetween(expected - tolerance, expected + tolerance);
        }
    }

    @Test
    void smallStakesAreSelectedInProportion() {
        assertDistribution(new long[] {1, 2, 3, 4}, 1);
    }

    @Test
    void zeroStakesInBetweenDoNotShiftTheRanges() {
        assertDistribution(new long[] {0, 5, 0, 0, 1, 0, 10, 0}, 2);
    }

    @Test
    void extremeStakesWithATotalAbove2To63() {
        // Total 3 * 2^62 - 1: does not fit a signed long but fits 64 bits.
        long[] stakes = {1, Long.MAX_VALUE / 2, Long.MAX_VALUE};
        assertThat(sum(stakes)).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE)).isLessThan(TWO_POW_64);
        assertDistribution(stakes, 3);
    }

    @Test
    void extremeStakesWithATotalAbove2To64() {
        // Needs the high word: three validators at 2^63 - 1, one of stake 1 and one half-size.
        long[] stakes = {Long.MAX_VALUE, 1, Long.MAX_VALUE, Long.MAX_VALUE / 2, Long.MAX_VALUE};
        assertThat(sum(stakes)).isGreaterThan(TWO_POW_64);
        assertDistribution(stakes, 4);
    }

    @Test
    void manyValidatorsOfUnequalStake() {
        assertDistribution(LongStream.rangeClosed(1, 37).map(i -> i * i).toArray(), 5);
    }
}
