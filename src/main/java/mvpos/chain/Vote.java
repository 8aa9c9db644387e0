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
 * @param validatorKey the voter's Ed25519 public key (its address is derived from it)
 */
public record Vote(String chainId, byte[] validatorKey, long sourceEpoch, byte[] sourceHash, long targetEpoch,
                   byte[] targetHash, byte[] signature) {
    private static final String SIGNED_TAG = "mvpos.ffg.vote.signed.v2";
    private static final String STORED_TAG = "mvpos.ffg.vote.stored.v1";

    public Vote {
        validatorKey = validatorKey.clone();
        sourceHash = sourceHash.clone();
        targetHash = targetHash.clone();
        signature = signature.clone();
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
        return domain.writeTo(CanonicalEncoder.tagged(SIGNED_TAG)).writeBytes(validatorKey)
                .writeLong(sourceEpoch).writeBytes(sourceHash).writeLong(targetEpoch).writeBytes(targetHash)
                .toBytes();
    }

    /** True when the vote names the domain's chain and is signed by its validator's key for that chain. */
    public boolean hasValidSignature(ChainDomain domain) {
        return chainId.equals(domain.chainId()) && Ed25519.verify(validatorKey, signedBytes(domain), signature);
    }

    public Address validator() {
        return Address.of(validatorKey);
    }

    public byte[] encode() {
        return CanonicalEncoder.tagged(STORED_TAG).writeString(chainId).writeBytes(validatorKey)
                .writeLong(sourceEpoch).writeBytes(sourceHash).writeLong(targetEpoch).writeBytes(targetHash)
                .writeBytes(signature).toBytes();
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

    /** The vote's identity: SHA-256 of its stored encoding. */
    public byte[] hash() {
        return Sha256.hash(encode());
    }

    @Override
    public byte[] validatorKey() {
        return validatorKey.clone();
    }

    @Override
    public byte[] sourceHash() {
        return sourceHash.clone();
    }

    @Override
    public byte[] targetHash() {
        return targetHash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vote v && Arrays.equals(encode(), v.encode());
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
