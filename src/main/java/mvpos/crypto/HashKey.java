package mvpos.crypto;

import java.util.Arrays;

/**
 * A hash (of a block, a transaction...) as a map key: compared by content, with its hash code
 * computed once from its first bytes, which are already uniformly random. A {@code ByteBuffer} key
 * would hash all its bytes again on every lookup.
 */
public final class HashKey {
    private final byte[] bytes;
    private final int hashCode;

    private HashKey(byte[] bytes) {
        this.bytes = bytes;
        int h = 0;
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            h = (h << 8) | (bytes[i] & 0xff);
        }
        this.hashCode = h ^ bytes.length;
    }

    /** A key for a copy of {@code bytes}. */
    public static HashKey of(byte[] bytes) {
        return new HashKey(bytes.clone());
    }

    /**
     * A key over {@code bytes} itself, not a copy: for a lookup, where the key lives no longer than the
     * call and the caller does not change the array meanwhile.
     */
    public static HashKey view(byte[] bytes) {
        return new HashKey(bytes);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The key's own bytes, not a copy: for a holder that keeps them and never changes them, so that
     * many holders of one hash (every node of a simulation holding one block) share one array.
     */
    public byte[] sharedBytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashKey other && hashCode == other.hashCode && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }
}
