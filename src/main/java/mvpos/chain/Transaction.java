package mvpos.chain;

import java.util.Arrays;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.crypto.Sha256;

/**
 * A signed transaction. The signature covers the canonical encoding of every other field, the
 * chain id and the sender's nonce included, so a transaction is valid on one chain only and at one
 * position in its sender's history only: it cannot be replayed elsewhere or twice.
 *
 * <p>Immutable. A class rather than a record only so that it keeps its encoding and hash once
 * computed: a transaction is hashed for the signature cache, for its block's transactions root and
 * encoded for storage, and each of these would otherwise encode it again.
 */
public final class Transaction {
    private static final String SIGNED_TAG = "mvpos.tx.v1";
    private static final String STORED_TAG = "mvpos.tx.stored.v1";
    private static final Address NOBODY = new Address(new byte[Address.LENGTH]);

    private final String chainId;
    private final byte[] senderKey;
    private final long nonce;
    private final int kind;
    private final Address to;
    private final long amount;
    private final long fee;
    private final byte[] signature;
    private volatile byte[] encoded;
    private volatile byte[] hash;

    /**
     * @param kind   a {@link TxKind} code; an unknown code is kept, so the state transition can reject
     *               it with a reason instead of the decoder failing
     * @param to     the recipient of a transfer; ignored by other kinds (null is kept as the all-zero address)
     */
    public Transaction(String chainId, byte[] senderKey, long nonce, int kind, Address to, long amount, long fee,
                       byte[] signature) {
        this.chainId = java.util.Objects.requireNonNull(chainId, "chainId");
        this.senderKey = senderKey.clone();
        this.nonce = nonce;
        this.kind = kind;
        this.to = to == null ? NOBODY : to;
        this.amount = amount;
        this.fee = fee;
        this.signature = signature.clone();
    }

    /** Builds and signs a transaction. */
    public static Transaction sign(KeyPair sender, String chainId, long nonce, TxKind kind, Address to, long amount,
                                   long fee) {
        Transaction unsigned = new Transaction(chainId, sender.publicKey(), nonce, kind.code(), to, amount, fee,
                new byte[0]);
        return new Transaction(chainId, sender.publicKey(), nonce, kind.code(), to, amount, fee,
                sender.sign(unsigned.signedBytes()));
    }

    /** The bytes the sender signs: every field but the signature, behind a domain tag. */
    public byte[] signedBytes() {
        return CanonicalEncoder.tagged(SIGNED_TAG)
                .writeString(chainId).writeBytes(senderKey).writeLong(nonce).writeInt(kind)
                .writeBytes(to.bytes()).writeLong(amount).writeLong(fee)
                .toBytes();
    }

    /** True when the signature is the sender key's signature of {@link #signedBytes()}. */
    public boolean hasValidSignature() {
        return Ed25519.verify(senderKey, signedBytes(), signature);
    }

    public Address sender() {
        return Address.of(senderKey);
    }

    /** The transaction's identity: SHA-256 of its stored encoding (signature included), computed once. */
    public byte[] hash() {
        byte[] h = hash;
        if (h == null) {
            h = Sha256.hash(encoded());
            hash = h;
        }
        return h.clone();
    }

    public String hashHex() {
        return Hex.encode(hash());
    }

    public byte[] encode() {
        return encoded().clone();
    }

    private byte[] encoded() {
        byte[] bytes = encoded;
        if (bytes == null) {
            bytes = CanonicalEncoder.tagged(STORED_TAG)
                    .writeString(chainId).writeBytes(senderKey).writeLong(nonce).writeInt(kind)
                    .writeBytes(to.bytes()).writeLong(amount).writeLong(fee).writeBytes(signature)
                    .toBytes();
            encoded = bytes;
        }
        return bytes;
    }

    /** Reads a stored transaction; throws {@link mvpos.codec.MalformedEncodingException} on bad bytes. */
    public static Transaction decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, STORED_TAG);
        String chainId = in.readString();
        byte[] senderKey = in.readBytes();
        long nonce = in.readLong();
        int kind = in.readInt();
        byte[] to = in.readBytes();
        long amount = in.readLong();
        long fee = in.readLong();
        byte[] signature = in.readBytes();
        in.end();
        if (to.length != Address.LENGTH) {
            throw new mvpos.codec.MalformedEncodingException("a recipient address has " + to.length + " bytes");
        }
        return new Transaction(chainId, senderKey, nonce, kind, new Address(to), amount, fee, signature);
    }

    public String chainId() {
        return chainId;
    }

    public byte[] senderKey() {
        return senderKey.clone();
    }

    public long nonce() {
        return nonce;
    }

    public int kind() {
        return kind;
    }

    public Address to() {
        return to;
    }

    public long amount() {
        return amount;
    }

    public long fee() {
        return fee;
    }

    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transaction t && Arrays.equals(encoded(), t.encoded());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return TxKind.fromCode(kind).map(Enum::name).orElse("kind " + kind) + " of " + amount + " from " + sender()
                + " nonce " + nonce;
    }
}
