package mvpos.chain;

import java.util.Arrays;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.crypto.Sha256;

/**
 * A Casper FFG vote: a validator's signed link from a source checkpoint to a target checkpoint,
 * {@code [checkpoint_hash, target_epoch, source_epoch, signature]} in the course's words, with the
 * source's hash too and the chain id; the signature also commits to the chain's genesis hash
 * ({@link ChainDomain}), so that a vote counts on one chain only.
 *
 * <p>Immutable. A class rather than a record only so that it keeps its encoding, hash and signer's
 * address once computed: in a network every node hashes, compares and looks up every vote.
 */
public final class Vote {
    private static final String SIGNED_TAG = "mvpos.ffg.vote.signed.v2";
    private static final String STORED_TAG = "mvpos.ffg.vote.stored.v1";

    private final String chainId;
    private final byte[] validatorKey;
    private final long sourceEpoch;
    private final byte[] sourceHash;
    private final long targetEpoch;
    private final byte[] targetHash;
    private final byte[] signature;
    private volatile byte[] encoded;
    private volatile byte[] hash;
    private volatile Address validator;
    private volatile byte[] signedBytes;
    private volatile ChainDomain signedFor;

    /** @param validatorKey the voter's Ed25519 public key (its address is derived from it) */
    public Vote(String chainId, byte[] validatorKey, long sourceEpoch, byte[] sourceHash, long targetEpoch,
                byte[] targetHash, byte[] signature) {
        this.chainId = java.util.Objects.requireNonNull(chainId, "chainId");
        this.validatorKey = validatorKey.clone();
        this.sourceEpoch = sourceEpoch;
        this.sourceHash = sourceHash.clone();
        this.targetEpoch = targetEpoch;
        this.targetHash = targetHash.clone();
        this.signature = signature.clone();
    }

    /** Builds and signs a vote for the chain of {@code domain}. */
    public static Vote sign(KeyPair validator, ChainDomain domain, long sourceEpoch, byte[] sourceHash,
                            long targetEpoch, byte[] targetHash) {
        Vote unsigned = new Vote(domain.chainId(), validator.publicKey(), sourceEpoch, sourceHash, targetEpoch,
                targetHash, new byte[0]);
        return new Vote(domain.chainId(), validator.publicKey(), sourceEpoch, sourceHash, targetEpoch, targetHash,
                validator.sign(unsigned.signedBytes(domain)));
    }

    /**
     * What the validator signs: a domain tag, the chain's domain (chain id and genesis hash), then every
     * field but the signature and the chain id (which the domain holds).
     */
    public byte[] signedBytes(ChainDomain domain) {
        byte[] bytes = signedBytes;
        if (bytes != null && domain.equals(signedFor)) {
            return bytes.clone();
        }
        bytes = domain.writeTo(CanonicalEncoder.tagged(SIGNED_TAG)).writeBytes(validatorKey)
                .writeLong(sourceEpoch).writeBytes(sourceHash).writeLong(targetEpoch).writeBytes(targetHash)
                .toBytes();
        signedFor = domain;
        signedBytes = bytes;
        return bytes.clone();
    }

    /** True when the vote names the domain's chain and is signed by its validator's key for that chain. */
    public boolean hasValidSignature(ChainDomain domain) {
        return chainId.equals(domain.chainId()) && Ed25519.verify(validatorKey, signedBytes(domain), signature);
    }

    /** The signer's address (computed once). */
    public Address validator() {
        Address a = validator;
        if (a == null) {
            a = Address.of(validatorKey);
            validator = a;
        }
        return a;
    }

    public byte[] encode() {
        return encoded().clone();
    }

    private byte[] encoded() {
        byte[] bytes = encoded;
        if (bytes == null) {
            bytes = CanonicalEncoder.tagged(STORED_TAG).writeString(chainId).writeBytes(validatorKey)
                    .writeLong(sourceEpoch).writeBytes(sourceHash).writeLong(targetEpoch).writeBytes(targetHash)
                    .writeBytes(signature).toBytes();
            encoded = bytes;
        }
        return bytes;
    }

    public static Vote decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, STORED_TAG);
        Vote vote = new Vote(in.readString(), in.readBytes(), in.readLong(), in.readBytes(), in.readLong(),
                in.readBytes(), in.readBytes());
        in.end();
        if (vote.validatorKey.length != Ed25519.PUBLIC_KEY_BYTES) {
            throw new MalformedEncodingException("a vote's validator key has " + vote.validatorKey.length + " bytes");
        }
        return vote;
    }

    /** The vote's identity: SHA-256 of its stored encoding (computed once). */
    public byte[] hash() {
        byte[] h = hash;
        if (h == null) {
            h = Sha256.hash(encoded());
            hash = h;
        }
        return h.clone();
    }

    public String chainId() {
        return chainId;
    }

    public byte[] validatorKey() {
        return validatorKey.clone();
    }

    public long sourceEpoch() {
        return sourceEpoch;
    }

    public byte[] sourceHash() {
        return sourceHash.clone();
    }

    public long targetEpoch() {
        return targetEpoch;
    }

    public byte[] targetHash() {
        return targetHash.clone();
    }

    public byte[] signature() {
        return signature.clone();
    }

    /** Whether the two votes sign the same link (epochs and hashes), whoever signed them and however. */
    public boolean sameLink(Vote other) {
        return sourceEpoch == other.sourceEpoch && targetEpoch == other.targetEpoch
                && Arrays.equals(sourceHash, other.sourceHash) && Arrays.equals(targetHash, other.targetHash);
    }

    /** Whether one validator key signed both (compared without copying). */
    public boolean sameSigner(Vote other) {
        return Arrays.equals(validatorKey, other.validatorKey);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Vote v && Arrays.equals(signature, v.signature) && Arrays.equals(encoded(), v.encoded());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "vote of " + validator() + " " + sourceEpoch + ":" + Hex.encode(sourceHash).substring(0, 8) + " -> "
                + targetEpoch + ":" + Hex.encode(targetHash).substring(0, 8);
    }
}
