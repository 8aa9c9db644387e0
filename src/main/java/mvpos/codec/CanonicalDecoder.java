package mvpos.codec;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads what {@link CanonicalEncoder} wrote. Every read checks that the bytes are there and well
 * formed, so corrupt or hostile input ends in a {@link MalformedEncodingException} that says what
 * was wrong, never in an out-of-bounds error or a huge allocation.
 */
public final class CanonicalDecoder {
    private final ByteBuffer in;
    private String tag;

    private CanonicalDecoder(byte[] bytes) {
        this.in = ByteBuffer.wrap(bytes);
    }

    /** Starts reading and checks the domain tag. */
    public static CanonicalDecoder tagged(byte[] bytes, String expectedTag) {
        CanonicalDecoder decoder = new CanonicalDecoder(bytes);
        String tag = decoder.readString();
        if (!tag.equals(expectedTag)) {
            throw new MalformedEncodingException("expected a " + expectedTag + " but found a " + tag);
        }
        decoder.tag = tag;
        return decoder;
    }

    /** Starts reading an encoding that may carry any of these domain tags; {@link #tag()} says which it has. */
    public static CanonicalDecoder taggedAnyOf(byte[] bytes, String... expectedTags) {
        CanonicalDecoder decoder = new CanonicalDecoder(bytes);
        String tag = decoder.readString();
        if (!java.util.List.of(expectedTags).contains(tag)) {
            throw new MalformedEncodingException("expected a " + String.join(" or a ", expectedTags) + " but found a "
                    + tag);
        }
        decoder.tag = tag;
        return decoder;
    }

    /** The domain tag this encoding started with. */
    public String tag() {
        return tag;
    }

    public long readLong() {
        need(Long.BYTES, "a 64-bit integer");
        return in.getLong();
    }

    public int readInt() {
        need(Integer.BYTES, "a 32-bit integer");
        return in.getInt();
    }

    public byte[] readBytes() {
        int length = readInt();
        if (length < 0) {
            throw new MalformedEncodingException("negative length " + length);
        }
        need(length, length + " bytes");
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    public String readString() {
        byte[] bytes = readBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEncodingException("a string is not valid UTF-8");
        }
    }

    /** Checks that nothing is left over: trailing bytes mean the encoding is not canonical. */
    public void end() {
        if (in.hasRemaining()) {
            throw new MalformedEncodingException(in.remaining() + " unexpected trailing bytes");
        }
    }

    private void need(int count, String what) {
        if (in.remaining() < count) {
            throw new MalformedEncodingException("truncated: expected " + what + " but only "
                    + in.remaining() + " bytes are left");
        }
    }
}
