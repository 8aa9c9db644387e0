package mvpos.codec;

import java.io.ByteArrayOutputStream;
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
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    private CanonicalEncoder() {
    }

    /** Starts an encoding with its domain tag, e.g. {@code "mvpos.lobby.block.v1"}. */
    public static CanonicalEncoder tagged(String domainTag) {
        return new CanonicalEncoder().writeString(domainTag);
    }

    public CanonicalEncoder writeLong(long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift));
        }
        return this;
    }

    public CanonicalEncoder writeInt(int value) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(value >>> shift);
        }
        return this;
    }

    /** Writes a 4-byte length, then the bytes. */
    public CanonicalEncoder writeBytes(byte[] value) {
        writeInt(value.length);
        out.writeBytes(value);
        return this;
    }

    /**
     * Writes a string as length-prefixed UTF-8. A string that is not valid Unicode (a lone
     * surrogate) is refused: {@code getBytes} would silently turn it into '?', and two different
     * strings would then share one encoding.
     */
    public CanonicalEncoder writeString(String value) {
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

    public byte[] toBytes() {
        return out.toByteArray();
    }

    /** SHA-256 of the encoding so far. */
    public byte[] sha256() {
        return Sha256.hash(toBytes());
    }
}
