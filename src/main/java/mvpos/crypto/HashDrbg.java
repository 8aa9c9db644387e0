package mvpos.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A deterministic random source: block {@code i} of output is {@code SHA-256(tag || seed || i)}.
 * The same seed gives the same stream on every JVM and every platform, forever, which is what a
 * reproducible demo, test or simulation needs. It is not meant to hide the seed from anyone.
 */
public final class HashDrbg implements RandomSource {
    private static final byte[] TAG = "mvpos.drbg.v1".getBytes(StandardCharsets.US_ASCII);

    private final long seed;
    private final MessageDigest digest = Sha256.newDigest();
    private final ByteBuffer block = ByteBuffer.allocate(Sha256.LENGTH);
    private final ByteBuffer input = ByteBuffer.allocate(TAG.length + 16);
    private long counter;

    public HashDrbg(long seed) {
        this.seed = seed;
        block.position(block.limit());
    }

    @Override
    public long nextLong() {
        if (block.remaining() < Long.BYTES) {
            refill();
        }
        return block.getLong();
    }

    private void refill() {
        input.clear();
        input.put(TAG).putLong(seed).putLong(counter++);
        digest.update(input.array(), 0, input.position());
        try {
            digest.digest(block.array(), 0, Sha256.LENGTH); // into the buffer: nothing allocated per draw
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest does not fit 32 bytes", e);
        }
        block.clear();
    }
}
