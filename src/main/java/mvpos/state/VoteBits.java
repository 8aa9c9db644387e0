package mvpos.state;

import java.util.Arrays;

/**
 * Which validators (by registry index) have a vote counted for one target epoch on this chain: one bit
 * each, as the spec's participation flags. Immutable; a block that counts votes copies it once
 * ({@link #toBuilder}) and sets its bits there.
 */
public final class VoteBits {
    public static final VoteBits NONE = new VoteBits(new long[0]);

    private final long[] words;

    private VoteBits(long[] words) {
        this.words = words;
    }

    public boolean get(int index) {
        int word = index >>> 6;
        return word < words.length && (words[word] & (1L << index)) != 0;
    }

    /** How many bits are set. */
    public int count() {
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        return count;
    }

    public Builder toBuilder() {
        return new Builder(words.clone());
    }

    long[] words() {
        return words.clone();
    }

    static VoteBits of(long[] words) {
        int length = words.length;
        while (length > 0 && words[length - 1] == 0) {
            length--;
        }
        return length == 0 ? NONE : new VoteBits(Arrays.copyOf(words, length));
    }

    /** A mutable copy, for one block's votes. */
    public static final class Builder {
        private long[] words;

        private Builder(long[] words) {
            this.words = words;
        }

        public boolean get(int index) {
            int word = index >>> 6;
            return word < words.length && (words[word] & (1L << index)) != 0;
        }

        public void set(int index) {
            int word = index >>> 6;
            if (word >= words.length) {
                words = Arrays.copyOf(words, Math.max(word + 1, words.length * 2));
            }
            words[word] |= 1L << index;
        }

        public VoteBits build() {
            return VoteBits.of(words);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VoteBits v && Arrays.equals(v.words, words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }
}
