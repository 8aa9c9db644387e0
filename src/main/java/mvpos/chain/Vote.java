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
 * source's hash too, the chain id, and the block the validator saw as its head when it voted (the
 * "latest message" an LMD-GHOST fork choice weighs, as Ethereum attestations carry; a vote made
 * without one names its target). The signature also commits to the chain's genesis hash
 * ({@link ChainDomain}), so that a vote counts on one chain only.
 *
 * <p>Immutable. A class rather than a record only so that it keeps its encoding, hash and signer's
 * address once computed: in a network every node hashes, compares and looks up every vote.
 */
public final class Vote {
    private static final String SIGNED_TAG = "mvpos.ffg.vote.signed.v3";
    private static final String STORED_TAG_V1 = "mvpos.ffg.vote.stored.v1";
    private static final String STORED_TAG = "mvpos.ffg.vote.stored.v2";

    private final String chainId;
    private final byte[] validatorKey;
    private final long sourceEpoch;
    private final byte[] sourceHash;
    private final long targetEpoch;
    private final byte[] targetHash;
    private final byte[] headHash;
    private final byte[] signature;
    private volatile byte[] encoded;
    private volatile byte[] hash;
    private volatile Address validator;
    private volatile byte[] signedBytes;
    private volatile ChainDomain signedFor;

    /**
     * @param validatorKey the voter's Ed25519 public key (its address is derived from it)
     * @param headHash     the block the voter saw as its head
     */
    public Vote(String chainId, byte[] validatorKey, long sourceEpoch, byte[] sourceHash, long targetEpoch,
                byte[] targetHash, byte[] headHash, byte[] signature) {
        this.chainId = java.util.Objects.requireNonNull(chainId, "chainId");
        this.validatorKey = validatorKey.clone();
        this.sourceEpoch = sourceEpoch;
        this.sourceHash = sourceHash.clone();
        this.targetEpoch = targetEpoch;
        this.targetHash = targetHash.clone();
        this.headHash = headHash.clone();
        this.signature = signature.clone();
    }

    /** A vote whose head is its target. */
    public Vote(String chainId, byte[] validatorKey, long sourceEpoch, byte[] sourceHash, long targetEpoch,
                byte[] targetHash, byte[] signature) {
        this(chainId, validatorKey, sourceEpoch, sourceHash, targetEpoch, targetHash, targetHash, signature);
    }

    /** Builds and signs a vote for the chain of {@code domain}, its head its target. */
    public static Vote sign(KeyPair validator, ChainDomain domain, long sourceEpoch, byte[] sourceHash,
                            long targetEpoch, byte[] targetHash) {
        return sign(validator, domain, sourceEpoch, sourceHash, targetEpoch, targetHash, targetHash);
    }

    /** Builds and signs a vote for the chain of {@code domain}, made with {@code headHash} as the voter's head. */
    public static Vote sign(KeyPair validator, ChainDomain domain, long sourceEpoch, byte[] sourceHash,
                            long targetEpoch, byte[] targetHash, byte[] headHash) {
        Vote unsigned = new Vote(domain.chainId(), validator.publicKey(), sourceEpoch, sourceHash, targetEpoch,
                targetHash, headHash, new byte[0]);
        return new Vote(domain.chainId(), validator.publicKey(), sourceEpoch, sourceHash, targetEpoch, targetHash,
                headHash, validator.sign(unsigned.signedBytes(domain)));
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
                .writeBytes(headHash).toBytes();
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
                    .writeBytes(headHash).writeBytes(signature).toBytes();
            encoded = bytes;
        }
        return bytes;
    }

    /** Reads a stored vote (a v1 encoding, from before votes named a head, has its target as head). */
    public static Vote decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.taggedAnyOf(bytes, STORED_TAG, STORED_TAG_V1);
        boolean withHead = in.tag().equals(STORED_TAG);
        String chainId = in.readString();
        byte[] key = in.readBytes();
        long sourceEpoch = in.readLong();
        byte[] sourceHash = in.readBytes();
        long targetEpoch = in.readLong();
        byte[] targetHash = in.readBytes();
        byte[] headHash = withHead ? in.readBytes() : targetHash;
        Vote vote = new Vote(chainId, key, sourceEpoch, sourceHash, targetEpoch, targetHash, headHash, in.readBytes());
        in.end();
        if (vote.validatorKey.length != Ed25519.PUBLIC_KEY_BYTES) {
            throw new MalformedEncodingException("a vote's validator key has " + vote.validatorKey.length + " bytes");
        }
        return vote;
    }

    /**
     * The vote's identity as a map key, made once: every node that holds this vote keys it by the same
     * object (a simulation's nodes share one copy instead of a copy each).
     */
    public mvpos.crypto.HashKey hashKey() {
        mvpos.crypto.HashKey k = key;
        if (k == null) {
            k = mvpos.crypto.HashKey.of(hash());
            key = k;
        }
        return k;
    }

    private volatile mvpos.crypto.HashKey key;

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

    /** The block the voter saw as its head when it voted. */
    public byte[] headHash() {
        return headHash.clone();
    }

    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Whether the two votes sign the same data (link epochs and hashes, and head), whoever signed them and
     * however.
     */
    public boolean sameLink(Vote other) {
        return sourceEpoch == other.sourceEpoch && targetEpoch == other.targetEpoch
                && Arrays.equals(sourceHash, other.sourceHash) && Arrays.equals(targetHash, other.targetHash)
                && Arrays.equals(headHash, other.headHash);
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
