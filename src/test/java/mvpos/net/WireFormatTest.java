package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    // ---------------------------------------------------------------- generators

    private static Arbitrary<byte[]> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
    }

    /** Valid Unicode strings, mostly ASCII, some multi-byte and supplementary characters. */
    private static Arbitrary<String> strings(int maxCodePoints) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
        return codePoint.list().ofMaxSize(maxCodePoints).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    private static Arbitrary<Long> edgyLongs() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs()),
                Tuple.of(1, Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE)));
    }

    private static Arbitrary<Header> headers() {
        Arbitrary<Address> proposers = bytes(Address.LENGTH, Address.LENGTH).map(Address::new);
        var first = Combinators.combine(strings(16), edgyLongs(), bytes(0, 40), edgyLongs(), edgyLongs(), proposers)
                .as(Tuple::of);
        var second = Combinators.combine(bytes(0, 40), bytes(0, 40), strings(8), bytes(0, 20), bytes(0, 70))
                .as(Tuple::of);
        return Combinators.combine(first, second).as((a, b) -> new Header(a.get1(), a.get2(), a.get3(), a.get4(),
                a.get5(), a.get6(), b.get1(), b.get2(), b.get3(), b.get4(), b.get5()));
    }

    private static Arbitrary<Transaction> transactions() {
        Arbitrary<Address> recipients = bytes(Address.LENGTH, Address.LENGTH).map(Address::new);
        Arbitrary<byte[]> datas = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(new byte[0])),
                Tuple.of(1, bytes(1, 50)));
        var first = Combinators.combine(strings(16), bytes(0, 40), edgyLongs(), Arbitraries.integers(), recipients)
                .as(Tuple::of);
        var second = Combinators.combine(edgyLongs(), edgyLongs(), datas, bytes(0, 80)).as(Tuple::of);
        return Combinators.combine(first, second).as((a, b) -> new Transaction(a.get1(), a.get2(), a.get3(),
                a.get4(), a.get5(), b.get1(), b.get2(), b.get3(), b.get4()));
    }

    private static Arbitrary<Block> blocks() {
        return Combinators.combine(headers(), transactions().list().ofMaxSize(3)).as(Block::new);
    }

    private static Arbitrary<Vote> votes() {
        return Combinators.combine(strings(16), bytes(32, 32), edgyLongs(), bytes(0, 40), edgyLongs(), bytes(0, 40),
                bytes(0, 80)).as(Vote::new);
    }

    @Provide
    Arbitrary<Message> messages() {
        return Arbitraries.oneOf(
                blocks().map(Message.NewBlock::new),
                bytes(32, 32).map(Message.GetBlock::new),
                votes().map(Message.NewVote::new),
                transactions().map(Message.NewTransaction::new),
                blocks().list().ofMaxSize(4).map(Message.Blocks::new));
    }

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<Frame> hellos = Combinators.combine(Arbitraries.integers(), strings(WireFormat.MAX_CHAIN_ID_LENGTH)
                                .filter(s -> s.length() <= WireFormat.MAX_CHAIN_ID_LENGTH),
                        bytes(32, 32), Arbitraries.integers().between(1, 65_535), bytes(16, 16))
                .as(Frame.Hello::new);
        return Arbitraries.oneOf(
                hellos,
                strings(300).map(Frame.Disconnect::new),
                Arbitraries.just(new Frame.Ping()),
                messages().map(Frame.Payload::new));
    }

    /** A valid encoding with one change: a flipped bit, a cut, an inserted byte or a changed type. */
    @Provide
    Arbitrary<byte[]> corruptedEncodings() {
        return Combinators.combine(frames(), Arbitraries.integers().between(0, 3), Arbitraries.integers(),
                Arbitraries.bytes()).as((frame, how, where, value) -> {
                    byte[] bytes = WireFormat.encode(frame);
                    int at = Math.floorMod(where, bytes.length);
                    return switch (how) {
                        case 0 -> {
                            bytes[at] ^= (byte) (1 << Math.floorMod(value, 8));
                            yield bytes;
                        }
                        case 1 -> Arrays.copyOf(bytes, at);
                        case 2 -> {
                            byte[] longer = new byte[bytes.length + 1];
                            System.arraycopy(bytes, 0, longer, 0, at);
                            longer[at] = value;
                            System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                            yield longer;
                        }
                        default -> {
                            bytes[0] = value;
                            yield bytes;
                        }
                    };
                });
    }

    /** Random bytes behind a known type byte, so that the decoders of each type see them. */
    @Provide
    Arbitrary<byte[]> typedGarbage() {
        Arbitrary<Byte> types = Arbitraries.of(WireFormat.HELLO, WireFormat.DISCONNECT, WireFormat.PING,
                WireFormat.NEW_BLOCK, WireFormat.GET_BLOCK, WireFormat.NEW_VOTE, WireFormat.NEW_TRANSACTION,
                WireFormat.BLOCKS);
        return Combinators.combine(types, bytes(0, 200)).as((type, rest) -> {
            byte[] bytes = new byte[rest.length + 1];
            bytes[0] = type;
            System.arraycopy(rest, 0, bytes, 1, rest.length);
            return bytes;
        });
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 300)
    void everyMessageSurvivesTheWire(@ForAll("messages") Message message) {
        byte[] bytes = WireFormat.encode(message);

        assertThat(WireFormat.decode(bytes)).isEqualTo(new Frame.Payload(message));
        assertThat(WireFormat.encode(WireFormat.decode(bytes))).isEqualTo(bytes);
    }

    @Property(tries = 300)
    void everyFrameSurvivesTheWire(@ForAll("frames") Frame frame) {
        byte[] bytes = WireFormat.encode(frame);

        assertThat(WireFormat.decode(bytes)).isEqualTo(frame);
        assertThat(WireFormat.encode(WireFormat.decode(bytes))).isEqualTo(bytes);
    }

    @Property(tries = 1000)
    void randomBytesAreMalformedOrAFrame(@ForAll @Size(max = 300) byte[] bytes) {
        decodesOrIsMalformed(bytes);
    }

    @Property(tries = 1000)
    void randomBytesOfEachTypeAreMalformedOrAFrame(@ForAll("typedGarbage") byte[] bytes) {
        decodesOrIsMalformed(bytes);
    }

    @Property(tries = 1000)
    void corruptedFramesAreMalformedOrAFrame(@ForAll("corruptedEncodings") byte[] bytes) {
        decodesOrIsMalformed(bytes);
    }

    private static void decodesOrIsMalformed(byte[] bytes) {
        try {
            Frame frame = WireFormat.decode(bytes);
            assertThat(WireFormat.encode(frame)).as("what decodes is canonical").isEqualTo(bytes);
        } catch (MalformedEncodingException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(WireFormat.MAX_PROBLEM_LENGTH + 3)
                    .doesNotContain("\n", "\r");
        }
    }

    // ---------------------------------------------------------------- examples

    @Test
    void emptyAndUnknownFramesAreMalformed() {
        assertThatThrownBy(() -> WireFormat.decode(new byte[0]))
                .isInstanceOf(MalformedEncodingException.class).hasMessage("an empty frame");
        assertThatThrownBy(() -> WireFormat.decode(new byte[] {0x7f, 1, 2}))
                .isInstanceOf(MalformedEncodingException.class).hasMessage("unknown frame type 0x7f");
        assertThatThrownBy(() -> WireFormat.decode(new byte[] {WireFormat.PING, 0}))
                .isInstanceOf(MalformedEncodingException.class).hasMessageContaining("after a ping");
    }

    @Test
    void blocksOverTheLimitAreRefusedBothWays() {
        Block block = blocks().sample();
        List<Block> many = new ArrayList<>();
        for (int i = 0; i <= WireFormat.MAX_BLOCKS; i++) {
            many.add(block);
        }
        assertThatThrownBy(() -> WireFormat.encode(new Message.Blocks(many)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65 blocks");
        assertThat(WireFormat.decode(WireFormat.encode(new Message.Blocks(many.subList(0, WireFormat.MAX_BLOCKS)))))
                .isEqualTo(new Frame.Payload(new Message.Blocks(many.subList(0, WireFormat.MAX_BLOCKS))));

        CanonicalEncoder forged = CanonicalEncoder.tagged("mvpos.net.blocks.v1").writeInt(many.size());
        many.forEach(b -> forged.writeBytes(b.encode()));
        assertThatThrownBy(() -> WireFormat.decode(typed(WireFormat.BLOCKS, forged.toBytes())))
                .isInstanceOf(MalformedEncodingException.class).hasMessage("65 blocks in one message, not 0 to 64");
        byte[] hugeCount = CanonicalEncoder.tagged("mvpos.net.blocks.v1").writeInt(Integer.MAX_VALUE).toBytes();
        assertThatThrownBy(() -> WireFormat.decode(typed(WireFormat.BLOCKS, hugeCount)))
                .isInstanceOf(MalformedEncodingException.class);
    }

    @Test
    void aProblemQuotingPeerBytesIsOneShortLine() {
        byte[] tag = ("evil\nline\r" + "x".repeat(1000)).getBytes(StandardCharsets.UTF_8);
        byte[] frame = typed(WireFormat.DISCONNECT, ByteBuffer.allocate(4 + tag.length).putInt(tag.length).put(tag)
                .array());
        assertThatThrownBy(() -> WireFormat.decode(frame))
                .isInstanceOf(MalformedEncodingException.class)
                .hasMessageStartingWith("expected a mvpos.net.disconnect.v1 but found a evil\\u000aline\\u000dxxx")
                .hasMessageEndingWith("...");
    }

    @Test
    void helloFieldsOfTheWrongSizeAreMalformed() {
        byte[] shortGenesis = CanonicalEncoder.tagged("mvpos.net.hello.v1").writeInt(1).writeString("c")
                .writeBytes(new byte[31]).writeInt(30300).writeBytes(new byte[16]).toBytes();
        assertThatThrownBy(() -> WireFormat.decode(typed(WireFormat.HELLO, shortGenesis)))
                .isInstanceOf(MalformedEncodingException.class).hasMessage("a genesis hash has 31 bytes");
        byte[] badPort = CanonicalEncoder.tagged("mvpos.net.hello.v1").writeInt(1).writeString("c")
                .writeBytes(new byte[32]).writeInt(70_000).writeBytes(new byte[16]).toBytes();
        assertThatThrownBy(() -> WireFormat.decode(typed(WireFormat.HELLO, badPort)))
                .isInstanceOf(MalformedEncodingException.class).hasMessage("listen port 70000 out of range");
        assertThatThrownBy(() -> WireFormat.encode(new Frame.Hello(1, "c", new byte[32], 30300, new byte[8])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLongReasonIsCutAndStillRoundTrips() {
        Frame.Disconnect disconnect = new Frame.Disconnect("x".repeat(255) + "\uD83D\uDE00" + "y".repeat(10));
        assertThat(disconnect.reason()).hasSize(255);
        assertThat(WireFormat.decode(WireFormat.encode(disconnect))).isEqualTo(disconnect);
    }

    @Test
    void blocksTooBigForOneFrameAreSplitInOrder() {
        List<Block> chain = blocks().list().ofSize(100).sample();
        int limit = 2 * chain.stream().mapToInt(b -> b.encode().length).max().orElseThrow() + 100;
        List<byte[]> frames = OutgoingFrames.of(new Message.Blocks(chain), limit);

        List<Block> received = new ArrayList<>();
        for (byte[] frame : frames) {
            assertThat(frame.length).isLessThanOrEqualTo(limit);
            Frame.Payload payload = (Frame.Payload) WireFormat.decode(frame);
            received.addAll(((Message.Blocks) payload.message()).blocks());
        }
        assertThat(frames.size()).isGreaterThan(1);
        assertThat(received).isEqualTo(chain);
    }

    private static byte[] typed(byte type, byte[] content) {
        byte[] bytes = new byte[content.length + 1];
        bytes[0] = type;
        System.arraycopy(content, 0, bytes, 1, content.length);
        return bytes;
    }
}
