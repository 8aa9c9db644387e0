package mvpos.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import mvpos.crypto.Sha256;

/**
 * The one canonical binary encoding of mvpos: the bytes that are hashed, stored and sent.
 *
 * <p>It is unambiguous by construction: integers have a fixed width (big-endian), and every
 * variable-length value (bytes, strings) is preceded by its length, so two different sequences of
 * fields can never produce the same bytes. (The tutorial hashed {@code index + timestamp + bpm +
 * prevHash} concatenated without separators, so "1","23" and "12","3" collided.) Each encoding
 * starts with a domain tag naming what is encoded and its version, so a block can never be
 * mistaken for another kind of object with the same fields.
 */
public final class CanonicalEncoder {
    private byte[] buffer = new byte[128];
    private int size;

    private CanonicalEncoder() {
    }

    /** Starts an encoding with its domain tag, e.g. {@code "mvpos.lobby.block.v1"}. */
    public static CanonicalEncoder tagged(String domainTag) {
        return new CanonicalEncoder().writeString(domainTag);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    public CanonicalEncoder writeLong(long value) {
        ensure(Long.BYTES);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public CanonicalEncoder writeInt(int value) {
        ensure(Integer.BYTES);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** Writes a 4-byte length, then the bytes. */
    public CanonicalEncoder writeBytes(byte[] value) {
        writeInt(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
        return this;
    }

    /**
     * Writes a string as length-prefixed UTF-8. A string that is not valid Unicode (a lone
     * surrogate) is refused: {@code getBytes} would silently turn it into '?', and two different
     * strings would then share one encoding.
     */
    public CanonicalEncoder writeString(String value) {
        if (isAscii(value)) {
            writeInt(value.length());
            ensure(value.length());
            for (int i = 0; i < value.length(); i++) {
                buffer[size++] = (byte) value.charAt(i);
            }
            return this;
        }
        try {
            ByteBuffer utf8 = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] bytes = new byte[utf8.remaining()];
            utf8.get(bytes);
            return writeBytes(bytes);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a string to encode is not valid Unicode (a lone surrogate)");
        }
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    public byte[] toBytes() {
        return java.util.Arrays.copyOf(buffer, size);
    }

    /** SHA-256 of the encoding so far. */
    public byte[] sha256() {
        return Sha256.hash(toBytes());
    }
}
