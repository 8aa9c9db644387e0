package mvpos.chain;

import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.crypto.Sha256;

/**
 * A block header. Its hash is SHA-256 of its canonical encoding, the seal included; the seal is
 * what the consensus engine adds to prove the block's right to exist (a signature, a proof of
 * work...), computed over {@link #sealingBytes()}, everything but the seal.
 *
 * @param slot       the engine's unit of time this block claims (slot engines), or its position in
 *                   the chain (engines without slots); genesis is slot 0
 * @param txRoot     {@link Block#txRoot} of the block's transactions
 * @param stateRoot  the root of the state after this block
 * @param engine     the name of the consensus engine whose seal this is
 * @param engineData what the engine adds before sealing, covered by the seal (a difficulty, a
 *                   signed randomness reveal...); empty for engines that need nothing
 */
public record Header(String chainId, long height, byte[] parentHash, long timestamp, long slot, Address proposer,
                     byte[] txRoot, byte[] stateRoot, String engine, byte[] engineData, byte[] seal) {
    private static final String SEALING_TAG = "mvpos.header.unsealed.v2";
    private static final String TAG = "mvpos.header.v2";

    public Header {
        parentHash = parentHash.clone();
        txRoot = txRoot.clone();
        stateRoot = stateRoot.clone();
        engineData = engineData.clone();
        seal = seal.clone();
    }

    public Header withSeal(byte[] newSeal) {
        return new Header(chainId, height, parentHash, timestamp, slot, proposer, txRoot, stateRoot, engine,
                engineData, newSeal);
    }

    /** What a seal covers: every field but the seal. */
    public byte[] sealingBytes() {
        return writeFields(CanonicalEncoder.tagged(SEALING_TAG)).toBytes();
    }

    public byte[] encode() {
        return writeFields(CanonicalEncoder.tagged(TAG)).writeBytes(seal).toBytes();
    }

    public static Header decode(CanonicalDecoder in) {
        String chainId = in.readString();
        long height = in.readLong();
        byte[] parent = in.readBytes();
        long timestamp = in.readLong();
        long slot = in.readLong();
        byte[] proposer = in.readBytes();
        byte[] txRoot = in.readBytes();
        byte[] stateRoot = in.readBytes();
        String engine = in.readString();
        byte[] engineData = in.readBytes();
        byte[] seal = in.readBytes();
        if (proposer.length != Address.LENGTH) {
            throw new mvpos.codec.MalformedEncodingException("a proposer address has " + proposer.length + " bytes");
        }
        return new Header(chainId, height, parent, timestamp, slot, new Address(proposer), txRoot, stateRoot, engine,
                engineData, seal);
    }

    public static Header decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        Header header = decode(in);
        in.end();
        return header;
    }

    public byte[] hash() {
        return Sha256.hash(encode());
    }

    public String hashHex() {
        return Hex.encode(hash());
    }

    private CanonicalEncoder writeFields(CanonicalEncoder out) {
        return out.writeString(chainId).writeLong(height).writeBytes(parentHash).writeLong(timestamp).writeLong(slot)
                .writeBytes(proposer.bytes()).writeBytes(txRoot).writeBytes(stateRoot).writeString(engine)
                .writeBytes(engineData);
    }

    @Override
    public byte[] parentHash() {
        return parentHash.clone();
    }

    @Override
    public byte[] txRoot() {
        return txRoot.clone();
    }

    @Override
    public byte[] stateRoot() {
        return stateRoot.clone();
    }

    @Override
    public byte[] engineData() {
        return engineData.clone();
    }

    @Override
    public byte[] seal() {
        return seal.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && java.util.Arrays.equals(encode(), h.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(hash());
    }
}
