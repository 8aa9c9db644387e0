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
 * @param kind   a {@link TxKind} code; an unknown code is kept, so the state transition can reject
 *               it with a reason instead of the decoder failing
 * @param to     the recipient of a transfer; ignored by other kinds (null is kept as the all-zero address)
 */
public record Transaction(String chainId, byte[] senderKey, long nonce, int kind, Address to, long amount, long fee,
                          byte[] signature) {
    private static final String SIGNED_TAG = "mvpos.tx.v1";
    private static final String STORED_TAG = "mvpos.tx.stored.v1";
    private static final Address NOBODY = new Address(new byte[Address.LENGTH]);

    public Transaction {
        senderKey = senderKey.clone();
        signature = signature.clone();
        to = to == null ? NOBODY : to;
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

    /** The transaction's identity: SHA-256 of its stored encoding (signature included). */
    public byte[] hash() {
        return Sha256.hash(encode());
    }

    public String hashHex() {
        return Hex.encode(hash());
    }

    public byte[] encode() {
        return CanonicalEncoder.tagged(STORED_TAG)
                .writeString(chainId).writeBytes(senderKey).writeLong(nonce).writeInt(kind)
                .writeBytes(to.bytes()).writeLong(amount).writeLong(fee).writeBytes(signature)
                .toBytes();
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

    @Override
    public byte[] senderKey() {
        return senderKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transaction t && Arrays.equals(encode(), t.encode());
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
