package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Hex;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LobbyBlockTest {
    private static final long T0 = 1_700_000_000_000L;

    // ---------------------------------------------------------------- generators

    /**
     * Strings of valid Unicode (no unpaired surrogates, which String.getBytes(UTF_8) turns into '?'),
     * mostly ASCII, sometimes any other code point.
     */
    @Provide
    static Arbitrary<String> text() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
        return codePoint.list().ofMaxSize(16).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    /** Any block, its hash valid or not (the stored encoding must carry a wrong hash faithfully too). */
    @Provide
    Arbitrary<LobbyBlock> blocks() {
        return Combinators.combine(Arbitraries.longs(), text(), Arbitraries.integers(), text(), text(), text())
                .as(LobbyBlock::new);
    }

    /** A block whose hash was computed from its fields. */
    @Provide
    Arbitrary<LobbyBlock> hashedBlocks() {
        return Combinators.combine(Arbitraries.longs(), text(), Arbitraries.integers(), text(), text())
                .as(LobbyBlock::create);
    }

    private static LobbyChain chainOf(int length) throws InvalidChainException {
        LobbyChain chain = LobbyChain.startingAt(T0);
        for (int i = 1; i < length; i++) {
            chain.append(chain.propose(T0 + i * 1000L, 60 + i, "validator-" + i));
        }
        return chain;
    }

    // ---------------------------------------------------------------- hash

    /** The hash covers every field: changing any single one of them changes the hash. */
    @Property(tries = 1000)
    void changingAnyFieldChangesTheHash(@ForAll("hashedBlocks") LobbyBlock b,
                                        @ForAll @IntRange(min = 0, max = 4) int field,
                                        @ForAll long otherIndex, @ForAll int otherBpm,
                                        @ForAll("text") String otherText) {
        long index = b.index();
        String timestamp = b.timestamp();
        int bpm = b.bpm();
        String prevHash = b.prevHash();
        String validator = b.validator();
        switch (field) {
            case 0 -> index = otherIndex == index ? index + 1 : otherIndex;
            case 1 -> timestamp = otherText.equals(timestamp) ? timestamp + "x" : otherText;
            case 2 -> bpm = otherBpm == bpm ? bpm + 1 : otherBpm;
            case 3 -> prevHash = otherText.equals(prevHash) ? prevHash + "x" : otherText;
            default -> validator = otherText.equals(validator) ? validator + "x" : otherText;
        }
        assertThat(LobbyBlock.computeHash(index, timestamp, bpm, prevHash, validator)).isNotEqualTo(b.hash());
    }

    /** Moving text from one string field to the next keeps the concatenation but must change the hash. */
    @Test
    void fieldBoundariesAreHashed() {
        assertThat(LobbyBlock.computeHash(1, "t", 60, "ab", "c"))
                .isNotEqualTo(LobbyBlock.computeHash(1, "t", 60, "a", "bc"));
        assertThat(LobbyBlock.computeHash(1, "t", 60, "", "abc"))
                .isNotEqualTo(LobbyBlock.computeHash(1, "t", 60, "abc", ""));
    }

    @Property(tries = 300)
    void createdBlocksHaveAValidHexHash(@ForAll("hashedBlocks") LobbyBlock b) {
        assertThat(b.hasValidHash()).isTrue();
        assertThat(Hex.isLowerHex(b.hash(), 64)).isTrue();
    }

    @Test
    void hashIsStable() {
        // Hashes are stored on disk and sent to peers: the same fields must always give the same hash.
        assertThat(LobbyBlock.computeHash(1, "2023-11-14T22:13:21Z", 72, "ab", "v"))
                .isEqualTo(LobbyBlock.computeHash(1, "2023-11-14T22:13:21Z", 72, "ab", "v"));
        assertThat(LobbyBlock.computeHash(1, "2023-11-14T22:13:21Z", 72, "ab", "v"))
                .isEqualTo(Hex.encode(CanonicalEncoder.tagged("mvpos.lobby.block.v1").writeLong(1)
                        .writeString("2023-11-14T22:13:21Z").writeInt(72).writeString("ab").writeString("v").sha256()));
    }

    // ---------------------------------------------------------------- genesis

    @Property(tries = 200)
    void genesisBlockIsValid(@ForAll long millisRaw) {
        long millis = Math.floorMod(millisRaw, 253_402_300_800_000L); // up to year 9999
        LobbyChain chain = LobbyChain.startingAt(millis);
        assertThat(chain.size()).isEqualTo(1);
        LobbyBlock genesis = chain.head();
        assertThat(genesis.index()).isZero();
        assertThat(genesis.prevHash()).isEmpty();
        assertThat(genesis.hasValidHash()).isTrue();
        assertThat(genesis.timestamp()).isEqualTo(Instant.ofEpochMilli(millis).toString());
        assertThat(chain.blocks()).containsExactly(genesis);
    }

    @Test
    void genesisDependsOnItsTime() {
        assertThat(LobbyChain.startingAt(T0).head().hash()).isNotEqualTo(LobbyChain.startingAt(T0 + 1).head().hash());
        assertThat(LobbyChain.startingAt(T0).head()).isEqualTo(LobbyChain.startingAt(T0).head());
    }

    // ---------------------------------------------------------------- stored encoding

    /** decode(encode(b)) == b for every block. */
    @Property(tries = 500)
    void encodeDecodeRoundTrip(@ForAll("blocks") LobbyBlock b) {
        assertThat(LobbyBlock.decode(b.encode())).isEqualTo(b);
    }

    /** Every proper prefix of a stored block is rejected. */
    @Property(tries = 300)
    void truncatedEncodingIsRejected(@ForAll("blocks") LobbyBlock b, @ForAll @IntRange(max = 100_000) int cut) {
        byte[] bytes = b.encode();
        byte[] prefix = Arrays.copyOf(bytes, cut % bytes.length);
        assertThatThrownBy(() -> LobbyBlock.decode(prefix)).isInstanceOf(MalformedEncodingException.class);
    }

    @Property(tries = 200)
    void trailingBytesAreRejected(@ForAll("blocks") LobbyBlock b, @ForAll @Size(min = 1, max = 8) byte[] extra) {
        byte[] bytes = b.encode();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.length);
        System.arraycopy(extra, 0, longer, bytes.length, extra.length);
        assertThatThrownBy(() -> LobbyBlock.decode(longer)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void otherKindsOfEncodingAreRejected() {
        LobbyBlock block = LobbyChain.startingAt(T0).head();
        byte[] bytes = block.encode();
        bytes[4] = 'x'; // first character of the tag "mvpos.lobby.stored-block.v1"
        assertThatThrownBy(() -> LobbyBlock.decode(bytes)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("mvpos.lobby.stored-block.v1");
        assertThatThrownBy(() -> LobbyBlock.decode(new byte[0])).isInstanceOf(MalformedEncodingException.class);
    }

    @Test
    void invalidUtf8InAFieldIsRejected() {
        LobbyBlock block = LobbyBlock.create(1, "t", 60, "p", "v");
        byte[] bytes = block.encode();
        bytes[bytes.length - 1] = (byte) 0xff; // the validator's one byte, 'v'
        assertThatThrownBy(() -> LobbyBlock.decode(bytes)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("UTF-8");
    }

    /** A corrupted byte anywhere gives either some block or a MalformedEncodingException, nothing else. */
    @Property(tries = 1000)
    void corruptedBytesFailOnlyWithMalformedEncoding(@ForAll("blocks") LobbyBlock b,
                                                     @ForAll @IntRange(max = 100_000) int position,
                                                     @ForAll byte replacement) {
        byte[] bytes = b.encode();
        bytes[position % bytes.length] = replacement;
        try {
            LobbyBlock.decode(bytes);
        } catch (MalformedEncodingException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    /** Random bytes are never a stored block (the tag alone is 31 bytes) and are rejected cleanly. */
    @Property(tries = 1000)
    void randomBytesAreRejected(@ForAll @Size(max = 64) byte[] bytes) {
        assertThatThrownBy(() -> LobbyBlock.decode(bytes)).isInstanceOf(MalformedEncodingException.class);
    }

    // ---------------------------------------------------------------- chain validation

    @Test
    void validChainIsRebuilt() throws Exception {
        LobbyChain chain = chainOf(5);
        LobbyChain copy = LobbyChain.of(chain.blocks());
        assertThat(copy.blocks()).isEqualTo(chain.blocks());
        assertThat(copy.head()).isEqualTo(chain.head());
        assertThat(copy.size()).isEqualTo(5);
    }

    @Test
    void emptyChainIsRejected() {
        assertThatThrownBy(() -> LobbyChain.of(List.of())).isInstanceOf(InvalidChainException.class)
                .hasMessageContaining("genesis");
    }

    @Test
    void badGenesisIsRejected() {
        LobbyBlock good = LobbyChain.startingAt(T0).head();
        List<LobbyBlock> bad = List.of(
                LobbyBlock.create(1, good.timestamp(), 0, "", ""),                       // index is not 0
                LobbyBlock.create(0, good.timestamp(), 0, good.hash(), ""),              // points to a parent
                new LobbyBlock(0, good.timestamp(), 0, "00".repeat(32), "", ""),         // hash does not match
                new LobbyBlock(0, good.timestamp(), 1, good.hash(), "", ""));            // field changed, hash kept
        for (LobbyBlock genesis : bad) {
            assertThatThrownBy(() -> LobbyChain.of(List.of(genesis))).as(genesis.toString())
                    .isInstanceOf(InvalidChainException.class).hasMessageContaining("block 0");
        }
    }

    /** Replaces block {@code i} of a valid 4-block chain and expects LobbyChain.of to reject the result. */
    private static void assertRejectedWith(int i, LobbyBlock replacement, String message) throws Exception {
        List<LobbyBlock> blocks = new ArrayList<>(chainOf(4).blocks());
        blocks.set(i, replacement);
        assertThatThrownBy(() -> LobbyChain.of(blocks)).isInstanceOf(InvalidChainException.class)
                .hasMessageContaining(message);
    }

    @Test
    void blockWithWrongIndexIsRejected() throws Exception {
        LobbyBlock b = chainOf(4).blocks().get(2);
        // Hash recomputed, so only the index is wrong.
        assertRejectedWith(2, LobbyBlock.create(3, b.timestamp(), b.bpm(), b.prevHash(), b.validator()),
                "does not follow block 1");
        assertRejectedWith(2, LobbyBlock.create(1, b.timestamp(), b.bpm(), b.prevHash(), b.validator()),
                "does not follow block 1");
    }

    @Test
    void blockWithWrongPrevHashIsRejected() throws Exception {
        LobbyChain chain = chainOf(4);
        LobbyBlock b = chain.blocks().get(2);
        String grandparent = chain.blocks().get(0).hash();
        assertRejectedWith(2, LobbyBlock.create(2, b.timestamp(), b.bpm(), grandparent, b.validator()),
                "does not point to the hash of block 1");
    }

    @Test
    void blockWithTamperedHashIsRejected() throws Exception {
        LobbyBlock b = chainOf(4).blocks().get(3);
        String tampered = (b.hash().charAt(0) == '0' ? "1" : "0") + b.hash().substring(1);
        assertRejectedWith(3, new LobbyBlock(3, b.timestamp(), b.bpm(), tampered, b.prevHash(), b.validator()),
                "block 3 has a hash that does not match");
    }

    @Test
    void reattributedBlockIsRejected() throws Exception {
        // The tutorial left the validator out of the hash; here re-attributing a block breaks its hash.
        LobbyBlock b = chainOf(4).blocks().get(2);
        assertRejectedWith(2, new LobbyBlock(2, b.timestamp(), b.bpm(), b.hash(), b.prevHash(), "mallory"),
                "block 2 has a hash that does not match");
    }

    @Test
    void tamperedBpmIsRejected() throws Exception {
        LobbyBlock b = chainOf(4).blocks().get(1);
        assertRejectedWith(1, new LobbyBlock(1, b.timestamp(), b.bpm() + 1, b.hash(), b.prevHash(), b.validator()),
                "block 1 has a hash that does not match");
    }

    // ---------------------------------------------------------------- propose and append

    @Property(tries = 200)
    void proposedBlockIsAppendable(@ForAll @IntRange(min = 1, max = 6) int length, @ForAll int bpm,
                                   @ForAll("text") String validator) throws Exception {
        LobbyChain chain = chainOf(length);
        LobbyBlock head = chain.head();
        LobbyBlock proposed = chain.propose(T0 + 60_000, bpm, validator);
        assertThat(proposed.index()).isEqualTo(head.index() + 1);
        assertThat(proposed.prevHash()).isEqualTo(head.hash());
        assertThat(proposed.bpm()).isEqualTo(bpm);
        assertThat(proposed.validator()).isEqualTo(validator);
        assertThat(proposed.timestamp()).isEqualTo(Instant.ofEpochMilli(T0 + 60_000).toString());
        assertThat(proposed.hasValidHash()).isTrue();
        assertThat(LobbyChain.checkLink(head, proposed)).isEmpty();

        chain.append(proposed);
        assertThat(chain.head()).isEqualTo(proposed);
        assertThat(chain.size()).isEqualTo(length + 1);
    }

    @Test
    void staleProposalIsRejectedAfterAnotherWasAppended() throws Exception {
        LobbyChain chain = chainOf(2);
        LobbyBlock first = chain.propose(T0 + 5_000, 70, "alice");
        LobbyBlock second = chain.propose(T0 + 5_000, 80, "bob");
        chain.append(first);
        assertThatThrownBy(() -> chain.append(second)).isInstanceOf(InvalidChainException.class);
        assertThat(chain.head()).isEqualTo(first);
        assertThat(chain.size()).isEqualTo(3);
    }

    @Test
    void blocksViewIsReadOnly() throws Exception {
        LobbyChain chain = chainOf(2);
        assertThatThrownBy(() -> chain.blocks().add(chain.head())).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---------------------------------------------------------------- JSON

    @Test
    void jsonHasTheTutorialKeysInOrder() throws Exception {
        LobbyBlock block = LobbyBlock.create(3, "2023-11-14T22:13:20Z", 72, "ab".repeat(32), "v1");
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(block);

        JsonNode node = mapper.readTree(json);
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("Index", "Timestamp", "BPM", "Hash", "PrevHash", "Validator");
        assertThat(node.get("Index").isIntegralNumber()).isTrue();
        assertThat(node.get("Index").asLong()).isEqualTo(3);
        assertThat(node.get("Timestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(node.get("BPM").isIntegralNumber()).isTrue();
        assertThat(node.get("BPM").asInt()).isEqualTo(72);
        assertThat(node.get("Hash").asText()).isEqualTo(block.hash());
        assertThat(node.get("PrevHash").asText()).isEqualTo("ab".repeat(32));
        assertThat(node.get("Validator").asText()).isEqualTo("v1");
        assertThat(json).startsWith("{\"Index\":3,\"Timestamp\":");
    }

    @Test
    void jsonRoundTrips() throws Exception {
        LobbyBlock block = chainOf(3).head();
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readValue(mapper.writeValueAsString(block), LobbyBlock.class)).isEqualTo(block);
    }
}
