package mvpos.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CanonicalEncodingTest {
    private static final String TAG = "mvpos.test.v1";

    /** One field of an encoding; each knows how to write itself and to read itself back. */
    sealed interface Field {
        void write(CanonicalEncoder out);

        Field read(CanonicalDecoder in);
    }

    record LongField(long value) implements Field {
        public void write(CanonicalEncoder out) {
            out.writeLong(value);
        }

        public Field read(CanonicalDecoder in) {
            return new LongField(in.readLong());
        }
    }

    record IntField(int value) implements Field {
        public void write(CanonicalEncoder out) {
            out.writeInt(value);
        }

        public Field read(CanonicalDecoder in) {
            return new IntField(in.readInt());
        }
    }

    record StringField(String value) implements Field {
        public void write(CanonicalEncoder out) {
            out.writeString(value);
        }

        public Field read(CanonicalDecoder in) {
            return new StringField(in.readString());
        }
    }

    /** byte[] has identity equality, so the bytes are kept as a list for record equality. */
    record BytesField(List<Byte> value) implements Field {
        static BytesField of(byte[] bytes) {
            Byte[] boxed = new Byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                boxed[i] = bytes[i];
            }
            return new BytesField(List.of(boxed));
        }

        byte[] bytes() {
            byte[] out = new byte[value.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = value.get(i);
            }
            return out;
        }

        public void write(CanonicalEncoder out) {
            out.writeBytes(bytes());
        }

        public Field read(CanonicalDecoder in) {
            return of(in.readBytes());
        }
    }

    private static byte[] encode(List<Field> fields) {
        CanonicalEncoder out = CanonicalEncoder.tagged(TAG);
        fields.forEach(f -> f.write(out));
        return out.toBytes();
    }

    /** Reads, with the shapes of {@code shape}, the fields of {@code bytes}, then checks nothing is left. */
    private static List<Field> decode(byte[] bytes, List<Field> shape) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        List<Field> fields = shape.stream().map(f -> f.read(in)).toList();
        in.end();
        return fields;
    }

    private static byte[] encodeStrings(List<String> strings) {
        CanonicalEncoder out = CanonicalEncoder.tagged(TAG);
        strings.forEach(out::writeString);
        return out.toBytes();
    }

    /**
     * Strings of valid Unicode: mostly ASCII (short, easy to shrink), plus any code point outside the
     * surrogate range, so multi-byte and supplementary characters are covered. Unpaired surrogates are left
     * out on purpose: they are not valid Unicode, and the encoder refuses them (tested below).
     */
    @Provide
    static Arbitrary<String> unicodeStrings() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
        return codePoint.list().ofMaxSize(12).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    @Provide
    Arbitrary<List<Field>> fieldLists() {
        Arbitrary<Field> field = Arbitraries.oneOf(
                Arbitraries.longs().map(LongField::new),
                Arbitraries.integers().map(IntField::new),
                unicodeStrings().map(StringField::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(BytesField::of));
        return field.list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<String>> stringLists() {
        return unicodeStrings().list().ofMaxSize(5);
    }

    /** Round trip: whatever sequence of fields is written is read back unchanged, with no bytes left over. */
    @Property(tries = 500)
    void roundTrip(@ForAll("fieldLists") List<Field> fields) {
        assertThat(decode(encode(fields), fields)).isEqualTo(fields);
    }

    /** The wire format: tag as a length-prefixed string, big-endian fixed-width integers. */
    @Test
    void layoutIsBigEndianWithLengthPrefixes() {
        byte[] bytes = CanonicalEncoder.tagged("t").writeLong(0x0102030405060708L).writeInt(0x0a0b0c0d)
                .writeString("é").writeBytes(new byte[] {(byte) 0xff}).toBytes();
        assertThat(bytes).containsExactly(
                0, 0, 0, 1, 't',
                1, 2, 3, 4, 5, 6, 7, 8,
                0x0a, 0x0b, 0x0c, 0x0d,
                0, 0, 0, 2, 0xc3, 0xa9,
                0, 0, 0, 1, 0xff);
    }

    @Test
    void sha256IsTheHashOfTheBytes() {
        CanonicalEncoder out = CanonicalEncoder.tagged(TAG).writeString("abc");
        assertThat(out.sha256()).isEqualTo(mvpos.crypto.Sha256.hash(out.toBytes()));
    }

    /** The tutorial's collision: "1","23" and "12","3" concatenate to the same text but not to the same bytes. */
    @Test
    void splitPointOfStringsIsEncoded() {
        assertThat(encodeStrings(List.of("1", "23"))).isNotEqualTo(encodeStrings(List.of("12", "3")));
        assertThat(encodeStrings(List.of("123"))).isNotEqualTo(encodeStrings(List.of("1", "23")));
        assertThat(encodeStrings(List.of("", "a"))).isNotEqualTo(encodeStrings(List.of("a", "")));
        assertThat(encodeStrings(List.of(""))).isNotEqualTo(encodeStrings(List.of()));
    }

    @Test
    void domainTagIsPartOfTheEncoding() {
        assertThat(CanonicalEncoder.tagged("ab").writeString("c").toBytes())
                .isNotEqualTo(CanonicalEncoder.tagged("a").writeString("bc").toBytes());
    }

    /** Unambiguity: two different lists of strings never encode to the same bytes. */
    @Property(tries = 1000)
    void differentStringListsEncodeDifferently(@ForAll("stringLists") List<String> a,
                                               @ForAll("stringLists") List<String> b) {
        Assume.that(!a.equals(b));
        assertThat(encodeStrings(a)).isNotEqualTo(encodeStrings(b));
    }

    /** The hard case for unambiguity: the same text split in two at different points. */
    @Property(tries = 500)
    void sameTextSplitDifferentlyEncodesDifferently(@ForAll @Size(min = 1, max = 20) List<@IntRange(min = 'a', max = 'c') Integer> chars,
                                                     @ForAll @IntRange(max = 1000) int splitA,
                                                     @ForAll @IntRange(max = 1000) int splitB) {
        StringBuilder sb = new StringBuilder();
        chars.forEach(c -> sb.append((char) c.intValue()));
        String text = sb.toString();
        int i = splitA % (text.length() + 1);
        int j = splitB % (text.length() + 1);
        Assume.that(i != j);
        assertThat(encodeStrings(List.of(text.substring(0, i), text.substring(i))))
                .isNotEqualTo(encodeStrings(List.of(text.substring(0, j), text.substring(j))));
    }

    // ---------------------------------------------------------------- rejection of malformed input

    /** Every proper prefix of a valid encoding is rejected as malformed. */
    @Property(tries = 300)
    void truncatedInputIsRejected(@ForAll("fieldLists") List<Field> fields, @ForAll @IntRange(max = 10_000) int cut) {
        byte[] bytes = encode(fields);
        byte[] prefix = Arrays.copyOf(bytes, cut % bytes.length);
        assertThatThrownBy(() -> decode(prefix, fields)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("truncated");
    }

    /** Bytes after the last field make the encoding non-canonical: end() rejects them. */
    @Property(tries = 300)
    void trailingBytesAreRejected(@ForAll("fieldLists") List<Field> fields,
                                  @ForAll @Size(min = 1, max = 10) byte[] extra) {
        byte[] bytes = encode(fields);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.length);
        System.arraycopy(extra, 0, longer, bytes.length, extra.length);
        assertThatThrownBy(() -> decode(longer, fields)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining(extra.length + " unexpected trailing bytes");
    }

    @Test
    void wrongTagIsRejected() {
        byte[] bytes = CanonicalEncoder.tagged("mvpos.other.v1").writeLong(1).toBytes();
        assertThatThrownBy(() -> CanonicalDecoder.tagged(bytes, TAG)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining(TAG).hasMessageContaining("mvpos.other.v1");
    }

    @Test
    void negativeLengthIsRejected() {
        byte[] bytes = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 'a', 'b'};
        assertThatThrownBy(() -> CanonicalDecoder.tagged(bytes, TAG)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("negative length -2");
        byte[] minLength = {(byte) 0x80, 0, 0, 0};
        assertThatThrownBy(() -> CanonicalDecoder.tagged(minLength, TAG)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("negative length");
    }

    @Test
    void hugeLengthIsRejectedWithoutAllocating() {
        // 2^31 - 1 announced, 3 bytes present: must fail on the length check, not with an OutOfMemoryError.
        byte[] bytes = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a', 'b', 'c'};
        assertThatThrownBy(() -> CanonicalDecoder.tagged(bytes, TAG)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[][] invalid = {
            {(byte) 0xff},                         // never valid in UTF-8
            {(byte) 0x80},                         // continuation byte without a lead byte
            {(byte) 0xc0, (byte) 0x80},            // overlong NUL (modified UTF-8)
            {(byte) 0xe2, (byte) 0x82},            // sequence cut short
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded surrogate (CESU-8)
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        };
        for (byte[] payload : invalid) {
            byte[] bytes = CanonicalEncoder.tagged(TAG).writeBytes(payload).toBytes();
            CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
            assertThatThrownBy(in::readString).as(Arrays.toString(payload))
                    .isInstanceOf(MalformedEncodingException.class).hasMessageContaining("UTF-8");
        }
    }

    @Test
    void validUtf8IsAccepted() {
        String text = "bpm ♥ 𝄞 é";
        byte[] bytes = CanonicalEncoder.tagged(TAG).writeBytes(text.getBytes(StandardCharsets.UTF_8)).toBytes();
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        assertThat(in.readString()).isEqualTo(text);
        in.end();
    }

    /** The reads a hostile input may be fed to, in any order. */
    enum Read { LONG, INT, STRING, BYTES, END }

    /** Random bytes are either decoded or rejected with a MalformedEncodingException, never anything else. */
    @Property(tries = 2000)
    void randomBytesFailOnlyWithMalformedEncoding(@ForAll @Size(max = 48) byte[] bytes,
                                                  @ForAll @Size(max = 6) List<Read> reads) {
        assertOnlyMalformed(bytes, reads);
    }

    /** Same, with a valid tag in front, so that the reads after the tag see random bytes too. */
    @Property(tries = 2000)
    void randomBytesAfterAValidTagFailOnlyWithMalformedEncoding(@ForAll @Size(max = 48) byte[] tail,
                                                                @ForAll @Size(max = 6) List<Read> reads) {
        byte[] head = CanonicalEncoder.tagged(TAG).toBytes();
        byte[] bytes = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, bytes, head.length, tail.length);
        assertOnlyMalformed(bytes, reads);
    }

    /**
     * Corrupting one byte of a valid encoding (so lengths, tags and UTF-8 are hit, not just the first length
     * field) leaves bytes that either decode or are rejected with a MalformedEncodingException.
     */
    @Property(tries = 1000)
    void corruptedEncodingsFailOnlyWithMalformedEncoding(@ForAll("fieldLists") List<Field> fields,
                                                         @ForAll @IntRange(max = 10_000) int position,
                                                         @ForAll byte replacement) {
        byte[] bytes = encode(fields);
        bytes[position % bytes.length] = replacement;
        try {
            decode(bytes, fields);
        } catch (MalformedEncodingException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static void assertOnlyMalformed(byte[] bytes, List<Read> reads) {
        try {
            CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
            for (Read read : reads) {
                switch (read) {
                    case LONG -> in.readLong();
                    case INT -> in.readInt();
                    case STRING -> in.readString();
                    case BYTES -> in.readBytes();
                    case END -> in.end();
                }
            }
        } catch (MalformedEncodingException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        // Any other exception escapes and fails the property.
    }

    @Test
    void aLoneSurrogateIsRefusedRatherThanEncodedLikeAQuestionMark() {
        // getBytes(UTF_8) would write "\uD800" as '?', so two different strings would share one encoding.
        assertThatThrownBy(() -> CanonicalEncoder.tagged(TAG).writeString("\uD800"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate");
        assertThat(CanonicalEncoder.tagged(TAG).writeString("?").toBytes()).isNotEmpty();
    }
}
