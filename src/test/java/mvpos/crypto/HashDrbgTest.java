package mvpos.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HashDrbgTest {

    private static long[] take(RandomSource random, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = random.nextLong();
        }
        return out;
    }

    /** Reproducibility: two generators with the same seed produce the same stream. */
    @Property(tries = 200)
    void sameSeedGivesSameStream(@ForAll long seed) {
        assertThat(take(new HashDrbg(seed), 50)).isEqualTo(take(new HashDrbg(seed), 50));
    }

    /** Different seeds give different streams (a collision of 4 longs = 256 bits is not going to happen). */
    @Property(tries = 500)
    void differentSeedsGiveDifferentStreams(@ForAll long a, @ForAll long b) {
        Assume.that(a != b);
        assertThat(take(new HashDrbg(a), 4)).isNotEqualTo(take(new HashDrbg(b), 4));
    }

    @Test
    void adjacentSeedsDiffer() {
        assertThat(take(new HashDrbg(0), 4)).isNotEqualTo(take(new HashDrbg(1), 4));
        assertThat(take(new HashDrbg(-1), 4)).isNotEqualTo(take(new HashDrbg(Long.MAX_VALUE), 4));
    }

    /**
     * The stream is the documented construction, block i = SHA-256("mvpos.drbg.v1" || seed || i), read as
     * big-endian longs. Pinning it guards the promise that a seed gives the same stream forever.
     */
    @Test
    void streamIsTheDocumentedHashConstruction() throws Exception {
        long seed = 42;
        ByteBuffer expected = ByteBuffer.allocate(3 * Sha256.LENGTH);
        for (long block = 0; block < 3; block++) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("mvpos.drbg.v1".getBytes(StandardCharsets.US_ASCII));
            digest.update(ByteBuffer.allocate(16).putLong(seed).putLong(block).array());
            expected.put(digest.digest());
        }
        expected.flip();
        HashDrbg drbg = new HashDrbg(seed);
        for (int i = 0; i < 12; i++) {
            assertThat(drbg.nextLong()).as("long %d", i).isEqualTo(expected.getLong());
        }
    }

    @Provide
    Arbitrary<Long> bounds() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.integers().between(0, 62).map(k -> 1L << k), // powers of two, 1 included
                Arbitraries.integers().between(1, 62).map(k -> (1L << k) + 1), // just past a power of two
                Arbitraries.of(1L, 2L, 3L, Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE / 2 + 1));
    }

    /** nextLong(bound) always lies in [0, bound). */
    @Property(tries = 500)
    void boundedValuesStayInRange(@ForAll("bounds") long bound, @ForAll long seed) {
        HashDrbg drbg = new HashDrbg(seed);
        for (int i = 0; i < 100; i++) {
            assertThat(drbg.nextLong(bound)).isBetween(0L, bound - 1);
        }
    }

    @Test
    void boundOfOneAlwaysGivesZero() {
        HashDrbg drbg = new HashDrbg(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(drbg.nextLong(1)).isZero();
        }
    }

    @Test
    void largeBoundsReachTheirUpperHalf() {
        // Catches a mask that is too narrow: with bound 2^62 + 1 or Long.MAX_VALUE, half the values are >= 2^61
        // or 2^62, so 64 draws without one would mean the top bits are never produced.
        for (long bound : new long[] {(1L << 62) + 1, Long.MAX_VALUE}) {
            HashDrbg drbg = new HashDrbg(5);
            boolean sawUpperHalf = false;
            for (int i = 0; i < 64; i++) {
                sawUpperHalf |= drbg.nextLong(bound) >= bound / 2;
            }
            assertThat(sawUpperHalf).as("bound %d", bound).isTrue();
        }
    }

    /**
     * Uniformity for small bounds: with 20,000 draws, each value's count is within 5 standard deviations of
     * n/bound (sd = sqrt(n p (1-p))). The seed is fixed, so the check is deterministic; a biased reduction
     * such as a plain modulo with a wrong mask would shift counts by far more than 5 sd.
     */
    @Property(tries = 20)
    void smallBoundsAreUniform(@ForAll @IntRange(min = 2, max = 21) int bound) {
        int n = 20_000;
        int[] counts = new int[bound];
        HashDrbg drbg = new HashDrbg(1234 + bound);
        for (int i = 0; i < n; i++) {
            counts[(int) drbg.nextLong(bound)]++;
        }
        double p = 1.0 / bound;
        double tolerance = 5 * Math.sqrt(n * p * (1 - p));
        for (int v = 0; v < bound; v++) {
            assertThat((double) counts[v]).as("count of %d below %d", v, bound).isCloseTo(n * p,
                    org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void nonPositiveBoundsAreRejected() {
        HashDrbg drbg = new HashDrbg(1);
        assertThatThrownBy(() -> drbg.nextLong(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> drbg.nextLong(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
        assertThatThrownBy(() -> drbg.nextLong(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    /** nextBytes is deterministic for a seed, for any length (including ones that are not a multiple of 8). */
    @Property(tries = 200)
    void nextBytesIsDeterministic(@ForAll long seed, @ForAll @IntRange(min = 0, max = 100) int length) {
        byte[] a = new byte[length];
        byte[] b = new byte[length];
        new HashDrbg(seed).nextBytes(a);
        new HashDrbg(seed).nextBytes(b);
        assertThat(a).isEqualTo(b);
    }

    /** nextBytes consumes one nextLong per 8 bytes, least significant byte first. */
    @Property(tries = 100)
    void nextBytesUnpacksLongsLittleEndian(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int length) {
        byte[] bytes = new byte[length];
        new HashDrbg(seed).nextBytes(bytes);
        HashDrbg longs = new HashDrbg(seed);
        long current = 0;
        for (int i = 0; i < length; i++) {
            if (i % 8 == 0) {
                current = longs.nextLong();
            }
            assertThat(bytes[i]).as("byte %d", i).isEqualTo((byte) (current >>> (8 * (i % 8))));
        }
    }

    @Test
    void nextBytesDiffersBetweenSeedsAndIsNotConstant() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        new HashDrbg(1).nextBytes(a);
        new HashDrbg(2).nextBytes(b);
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isNotEqualTo(new byte[32]);
    }
}
