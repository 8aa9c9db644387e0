package mvpos.chain;

import java.util.Arrays;
import java.util.Optional;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;

/**
 * A validator's signed statement of one value for one position of an engine's protocol: a BFT engine's
 * prevote or precommit ({@code kind} "bft.prevote", {@code position} its height and round, {@code value}
 * the block hash or empty for nil), or a proposal. An honest validator states at most one value per kind
 * and position; two different ones are an equivocation, slashable with {@link SlashingEvidence.StatementPair}.
 * The signature covers the chain's domain, so a statement for one chain is worthless on another.
 *
 * <p>Encoding: tag {@value #TAG}, kind, position, value, public key, signature.
 */
public record SignedStatement(String kind, long position, byte[] value, byte[] publicKey, byte[] signature) {
    public static final String TAG = "mvpos.statement.v1";
    private static final String SIGNED_TAG = "mvpos.statement.signed.v1";
    /** Longest kind and value a statement may carry. */
    public static final int MAX_KIND_LENGTH = 32;
    public static final int MAX_VALUE_BYTES = 64;

    public SignedStatement {
        if (kind.isEmpty() || kind.length() > MAX_KIND_LENGTH) {
            throw new MalformedEncodingException("a statement kind of " + kind.length() + " characters");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new MalformedEncodingException("a statement value of " + value.length + " bytes");
        }
        if (publicKey.length != Ed25519.PUBLIC_KEY_BYTES || signature.length != Ed25519.SIGNATURE_BYTES) {
            throw new MalformedEncodingException("a statement with a " + publicKey.length + "-byte key and a "
                    + signature.length + "-byte signature");
        }
        value = value.clone();
        publicKey = publicKey.clone();
        signature = signature.clone();
    }

    /** {@code signer}'s statement of {@code value} for {@code kind} at {@code position}, on the chain of {@code domain}. */
    public static SignedStatement sign(KeyPair signer, ChainDomain domain, String kind, long position, byte[] value) {
        return new SignedStatement(kind, position, value, signer.publicKey(),
                signer.sign(signedBytes(domain, kind, position, value)));
    }

    /** What the signature covers. */
    public static byte[] signedBytes(ChainDomain domain, String kind, long position, byte[] value) {
        return domain.writeTo(CanonicalEncoder.tagged(SIGNED_TAG)).writeString(kind).writeLong(position)
                .writeBytes(value).toBytes();
    }

    public byte[] signedBytes(ChainDomain domain) {
        return signedBytes(domain, kind, position, value);
    }

    public boolean hasValidSignature(ChainDomain domain) {
        return Ed25519.verify(publicKey, signedBytes(domain), signature);
    }

    public Address signer() {
        return Address.of(publicKey);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Whether this and {@code other} are one signer's two different values for one kind and position. */
    public boolean conflictsWith(SignedStatement other) {
        return Arrays.equals(publicKey, other.publicKey) && kind.equals(other.kind) && position == other.position
                && !Arrays.equals(value, other.value);
    }

    public byte[] encode() {
        return CanonicalEncoder.tagged(TAG).writeString(kind).writeLong(position).writeBytes(value)
                .writeBytes(publicKey).writeBytes(signature).toBytes();
    }

    public static SignedStatement decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        SignedStatement statement = new SignedStatement(in.readString(), in.readLong(), in.readBytes(), in.readBytes(),
                in.readBytes());
        in.end();
        return statement;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedStatement s && s.kind.equals(kind) && s.position == position
                && Arrays.equals(s.value, value) && Arrays.equals(s.publicKey, publicKey)
                && Arrays.equals(s.signature, signature);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Long.hashCode(position)) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return kind + "@" + position + "=" + (value.length == 0 ? "nil" : Hex.encode(value).substring(0, Math.min(16,
                2 * value.length))) + " by " + signer();
    }

    /** Why this is not a well-formed statement usable as proof, or empty. */
    Optional<String> whyNotSigned(ChainDomain domain) {
        return hasValidSignature(domain) ? Optional.empty()
                : Optional.of("a statement's signature is not its signer's on chain '" + domain.chainId() + "'");
    }
}
