package mvpos.chain;

import java.util.Arrays;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.crypto.Sha256;

/**
 * A block header. Its hash is SHA-256 of its canonical encoding, the seal included; the seal is
 * what the consensus engine adds to prove the block's right to exist (a signature, a proof of
 * work...), computed over {@link #sealingBytes()}, everything but the seal.
 *
 * <p>Immutable. A class rather than a record only so that it can keep its encoding and hash once
 * computed: every node of a devnet hashes every header it receives, several times.
 */
public final class Header {
    private static final String SEALING_TAG = "mvpos.header.unsealed.v2";
    private static final String TAG = "mvpos.header.v2";

    private final String chainId;
    private final long height;
    private final byte[] parentHash;
    private final long timestamp;
    private final long slot;
    private final Address proposer;
    private final byte[] bodyRoot;
    private final byte[] stateRoot;
    private final String engine;
    private final byte[] engineData;
    private final byte[] seal;
    private volatile byte[] encoded;
    private volatile byte[] hash;
    private volatile mvpos.crypto.HashKey hashKey;
    private volatile String hashHex;

    /**
     * @param slot       the engine's unit of time this block claims (slot engines), or its position in
     *                   the chain (engines without slots); genesis is slot 0
     * @param bodyRoot   {@link Block#bodyRoot}: the commitment to the block's transactions and votes
     * @param stateRoot  the root of the state after this block
     * @param engine     the name of the consensus engine whose seal this is
     * @param engineData what the engine adds before sealing, covered by the seal (a difficulty, a
     *                   signed randomness reveal...); empty for engines that need nothing
     */
    public Header(String chainId, long height, byte[] parentHash, long timestamp, long slot, Address proposer,
                  byte[] bodyRoot, byte[] stateRoot, String engine, byte[] engineData, byte[] seal) {
        this.chainId = java.util.Objects.requireNonNull(chainId, "chainId");
        this.height = height;
        this.parentHash = parentHash.clone();
        this.timestamp = timestamp;
        this.slot = slot;
        this.proposer = java.util.Objects.requireNonNull(proposer, "proposer");
        this.bodyRoot = bodyRoot.clone();
        this.stateRoot = stateRoot.clone();
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
        this.engineData = engineData.clone();
        this.seal = seal.clone();
    }

    public Header withSeal(byte[] newSeal) {
        return new Header(chainId, height, parentHash, timestamp, slot, proposer, bodyRoot, stateRoot, engine,
                engineData, newSeal);
    }

    /** What a seal covers: every field but the seal. */
    public byte[] sealingBytes() {
        return writeFields(CanonicalEncoder.tagged(SEALING_TAG)).toBytes();
    }

    public byte[] encode() {
        byte[] bytes = encoded;
        if (bytes == null) {
            bytes = writeFields(CanonicalEncoder.tagged(TAG)).writeBytes(seal).toBytes();
            encoded = bytes;
        }
        return bytes.clone();
    }

    public static Header decode(CanonicalDecoder in) {
        String chainId = in.readString();
        long height = in.readLong();
        byte[] parent = in.readBytes();
        long timestamp = in.readLong();
        long slot = in.readLong();
        byte[] proposer = in.readBytes();
        byte[] bodyRoot = in.readBytes();
        byte[] stateRoot = in.readBytes();
        String engine = in.readString();
        byte[] engineData = in.readBytes();
        byte[] seal = in.readBytes();
        if (proposer.length != Address.LENGTH) {
            throw new MalformedEncodingException("a proposer address has " + proposer.length + " bytes");
        }
        return new Header(chainId, height, parent, timestamp, slot, new Address(proposer), bodyRoot, stateRoot, engine,
                engineData, seal);
    }

    public static Header decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        Header header = decode(in);
        in.end();
        return header;
    }

    /** SHA-256 of the encoding (computed once). */
    public byte[] hash() {
        byte[] h = hash;
        if (h == null) {
            h = Sha256.hash(encode());
            hash = h;
        }
        return h.clone();
    }

    /**
     * The hash as a map key, made once: the maps of every node that holds this header (its block tree,
     * its store) can share one key instead of a copy each.
     */
    public mvpos.crypto.HashKey hashKey() {
        mvpos.crypto.HashKey key = hashKey;
        if (key == null) {
            key = mvpos.crypto.HashKey.of(hash());
            hashKey = key;
        }
        return key;
    }

    /** The hash in hex (written once). */
    public String hashHex() {
        String hex = hashHex;
        if (hex == null) {
            hex = Hex.encode(hash());
            hashHex = hex;
        }
        return hex;
    }

    private CanonicalEncoder writeFields(CanonicalEncoder out) {
        return out.writeString(chainId).writeLong(height).writeBytes(parentHash).writeLong(timestamp).writeLong(slot)
                .writeBytes(proposer.bytes()).writeBytes(bodyRoot).writeBytes(stateRoot).writeString(engine)
                .writeBytes(engineData);
    }

    public String chainId() {
        return chainId;
    }

    public long height() {
        return height;
    }

    public byte[] parentHash() {
        return parentHash.clone();
    }

    public long timestamp() {
        return timestamp;
    }

    public long slot() {
        return slot;
    }

    public Address proposer() {
        return proposer;
    }

    public byte[] bodyRoot() {
        return bodyRoot.clone();
    }

    public byte[] stateRoot() {
        return stateRoot.clone();
    }

    public String engine() {
        return engine;
    }

    public byte[] engineData() {
        return engineData.clone();
    }

    public byte[] seal() {
        return seal.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && Arrays.equals(hash(), h.hash()) && Arrays.equals(encode(), h.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash());
    }

    @Override
    public String toString() {
        return "Header[chain " + chainId + ", height " + height + ", slot " + slot + ", proposer " + proposer + ", hash "
                + hashHex() + "]";
    }
}
