package mvpos.lobby;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.crypto.Hex;

/**
 * A block of the classic lobby, with the tutorial's fields and JSON names.
 *
 * <p>Its hash is SHA-256 over the canonical encoding of every other field, the validator included
 * (the tutorial concatenated four fields without separators and left the validator out, so a block
 * could be re-attributed without changing its hash).
 */
@JsonPropertyOrder({"Index", "Timestamp", "BPM", "Hash", "PrevHash", "Validator"})
public record LobbyBlock(
        @JsonProperty("Index") long index,
        @JsonProperty("Timestamp") String timestamp,
        @JsonProperty("BPM") int bpm,
        @JsonProperty("Hash") String hash,
        @JsonProperty("PrevHash") String prevHash,
        @JsonProperty("Validator") String validator) {

    private static final String HASH_TAG = "mvpos.lobby.block.v1";
    private static final String STORED_TAG = "mvpos.lobby.stored-block.v1";

    /** Builds a block and computes its hash from its filled-in fields. */
    public static LobbyBlock create(long index, String timestamp, int bpm, String prevHash, String validator) {
        return new LobbyBlock(index, timestamp, bpm, computeHash(index, timestamp, bpm, prevHash, validator),
                prevHash, validator);
    }

    /** The hash this block must carry: SHA-256 of the canonical encoding of all other fields. */
    public static String computeHash(long index, String timestamp, int bpm, String prevHash, String validator) {
        return Hex.encode(CanonicalEncoder.tagged(HASH_TAG)
                .writeLong(index)
                .writeString(timestamp)
                .writeInt(bpm)
                .writeString(prevHash)
                .writeString(validator)
                .sha256());
    }

    /** True when the stored hash is the hash of the fields. */
    public boolean hasValidHash() {
        return hash.equals(computeHash(index, timestamp, bpm, prevHash, validator));
    }

    /** The canonical bytes under which the block is stored. */
    public byte[] encode() {
        return CanonicalEncoder.tagged(STORED_TAG)
                .writeLong(index)
                .writeString(timestamp)
                .writeInt(bpm)
                .writeString(hash)
                .writeString(prevHash)
                .writeString(validator)
                .toBytes();
    }

    /** Reads a block written by {@link #encode()}; throws on malformed bytes. */
    public static LobbyBlock decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, STORED_TAG);
        LobbyBlock block = new LobbyBlock(in.readLong(), in.readString(), in.readInt(), in.readString(),
                in.readString(), in.readString());
        in.end();
        return block;
    }
}
