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
 * sender's nonce included, behind the chain's {@link ChainDomain} (its chain id and genesis hash),
 * so a transaction is valid on one chain only and at one position in its sender's history only: it
 * cannot be replayed elsewhere or twice.
 *
 * <p>A transaction may carry {@code data}, a payload its kind gives a meaning to (the evidence of a
 * {@link TxKind#SLASH}); other kinds carry none. A transaction without data keeps the encoding it
 * always had (the v1 tags, no data field); one with data is encoded under the v2 tags with the data,
 * length-prefixed, after the fee, in both the signed and the stored bytes. Each transaction thus has
 * exactly one encoding: a v2 encoding with empty data is malformed.
 *
 * <p>Immutable. A class rather than a record only so that it keeps its encoding and hash once
 * computed: a transaction is hashed for the signature cache, for its block's transactions root and
 * encoded for storage, and each of these would otherwise encode it again.
 */
public final class Transaction {
    private static final String SIGNED_TAG = "mvpos.tx.signed.v3";
    private static final String STORED_TAG = "mvpos.tx.stored.v1";
    private static final String SIGNED_WITH_DATA_TAG = "mvpos.tx.signed.v4";
    private static final String STORED_WITH_DATA_TAG = "mvpos.tx.stored.v2";
    private static final byte[] NO_DATA = new byte[0];
    private static final Address NOBODY = new Address(new byte[Address.LENGTH]);

    private final String chainId;
    private final byte[] senderKey;
    private final long nonce;
    private final int kind;
    private final Address to;
    private final long amount;
    private final long fee;
    private final byte[] data;
    private final byte[] signature;
    private volatile byte[] encoded;
    private volatile byte[] hash;

    /**
     * @param kind   a {@link TxKind} code; an unknown code is kept, so the state transition can reject
     *               it with a reason instead of the decoder failing
     * @param to     the recipient of a transfer, the offender a slash reports; ignored by other kinds (null is
     *               kept as the all-zero address)
     */
    public Transaction(String chainId, byte[] senderKey, long nonce, int kind, Address to, long amount, long fee,
                       byte[] signature) {
        this(chainId, senderKey, nonce, kind, to, amount, fee, NO_DATA, signature);
    }

    /**
     * @param data the kind's payload (a slash's evidence); empty for kinds that take none
     */
    public Transaction(String chainId, byte[] senderKey, long nonce, int kind, Address to, long amount, long fee,
                       byte[] data, byte[] signature) {
        this.chainId = java.util.Objects.requireNonNull(chainId, "chainId");
        this.senderKey = senderKey.clone();
        this.nonce = nonce;
        this.kind = kind;
        this.to = to == null ? NOBODY : to;
        this.amount = amount;
        this.fee = fee;
        this.data = data.clone();
        this.signature = signature.clone();
    }

    /** Builds and signs a transaction without data for the chain of {@code domain}. */
    public static Transaction sign(KeyPair sender, ChainDomain domain, long nonce, TxKind kind, Address to,
                                   long amount, long fee) {
        return sign(sender, domain, nonce, kind, to, amount, fee, NO_DATA);
    }

    /** Builds and signs a transaction with data for the chain of {@code domain}. */
    public static Transaction sign(KeyPair sender, ChainDomain domain, long nonce, TxKind kind, Address to,
                                   long amount, long fee, byte[] data) {
        Transaction unsigned = new Transaction(domain.chainId(), sender.publicKey(), nonce, kind.code(), to, amount,
                fee, data, NO_DATA);
        return new Transaction(domain.chainId(), sender.publicKey(), nonce, kind.code(), to, amount, fee, data,
                sender.sign(unsigned.signedBytes(domain)));
    }

    /**
     * The bytes the sender signs: a domain tag, the chain's domain (chain id and genesis hash), then
     * every field but the signature.
     */
    public byte[] signedBytes(ChainDomain domain) {
        return writeFields(domain.writeTo(CanonicalEncoder.tagged(data.length == 0 ? SIGNED_TAG
                : SIGNED_WITH_DATA_TAG))).toBytes();
    }

    private CanonicalEncoder writeFields(CanonicalEncoder out) {
        out.writeString(chainId).writeBytes(senderKey).writeLong(nonce).writeInt(kind)
                .writeBytes(to.bytes()).writeLong(amount).writeLong(fee);
        return data.length == 0 ? out : out.writeBytes(data);
    }

    /**
     * True when the transaction names the domain's chain and its signature is the sender key's
     * signature of {@link #signedBytes(ChainDomain)}.
     */
    public boolean hasValidSignature(ChainDomain domain) {
        return chainId.equals(domain.chainId()) && Ed25519.verify(senderKey, signedBytes(domain), signature);
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
            bytes = writeFields(CanonicalEncoder.tagged(data.length == 0 ? STORED_TAG : STORED_WITH_DATA_TAG))
                    .writeBytes(signature).toBytes();
            encoded = bytes;
        }
        return bytes;
    }

    /** Reads a stored transaction; throws {@link mvpos.codec.MalformedEncodingException} on bad bytes. */
    public static Transaction decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.taggedAnyOf(bytes, STORED_TAG, STORED_WITH_DATA_TAG);
        boolean withData = in.tag().equals(STORED_WITH_DATA_TAG);
        String chainId = in.readString();
        byte[] senderKey = in.readBytes();
        long nonce = in.readLong();
        int kind = in.readInt();
        byte[] to = in.readBytes();
        long amount = in.readLong();
        long fee = in.readLong();
        byte[] data = withData ? in.readBytes() : NO_DATA;
        byte[] signature = in.readBytes();
        in.end();
        if (to.length != Address.LENGTH) {
            throw new mvpos.codec.MalformedEncodingException("a recipient address has " + to.length + " bytes");
        }
        if (withData && data.length == 0) {
            throw new mvpos.codec.MalformedEncodingException("a transaction with empty data has the v1 encoding");
        }
        return new Transaction(chainId, senderKey, nonce, kind, new Address(to), amount, fee, data, signature);
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

    /** The kind's payload (a slash's evidence); empty for kinds that take none. */
    public byte[] data() {
        return data.clone();
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
