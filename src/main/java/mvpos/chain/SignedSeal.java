package mvpos.chain;

import java.util.Arrays;
import java.util.Optional;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.KeyPair;

/**
 * The seal of a header signed by its proposer (the poa and pos engines): the proposer's 32-byte
 * public key followed by its 64-byte Ed25519 signature of {@link #signedMessage}: the chain's genesis
 * hash, then {@link Header#sealingBytes()} (so that a seal, like every signature, commits to one
 * chain; see {@link ChainDomain}). The key must hash to the header's proposer address. In {@code chain} so that the state transition can check
 * the headers of equivocation evidence.
 */
public final class SignedSeal {
    public static final int BYTES = Ed25519.PUBLIC_KEY_BYTES + Ed25519.SIGNATURE_BYTES;

    /** How a signature is verified: directly, or through a cache of checks already made. */
    @FunctionalInterface
    public interface Verifier {
        Verifier ED25519 = Ed25519::verify;

        boolean verify(byte[] publicKey, byte[] message, byte[] signature);
    }

    /** What is wrong with a seal. */
    public enum Fault {
        /** The seal is not {@link #BYTES} long. */
        MALFORMED,
        /** The seal's key is not the proposer's. */
        WRONG_KEY,
        /** The signature is not the key's signature of the header. */
        BAD_SIGNATURE
    }

    public record Problem(Fault fault, String detail) {
    }

    private SignedSeal() {
    }

    /** What a proposer signs: a tag, the genesis hash of its chain, then the header's sealing bytes. */
    public static byte[] signedMessage(byte[] genesisHash, Header header) {
        return mvpos.codec.CanonicalEncoder.tagged(SIGNED_TAG).writeBytes(genesisHash)
                .writeBytes(header.sealingBytes()).toBytes();
    }

    private static final String SIGNED_TAG = "mvpos.seal.signed.v1";

    /** Seals a header of the chain with this genesis hash; the header's proposer must be the key's address. */
    public static Header seal(KeyPair proposer, byte[] genesisHash, Header unsealed) {
        if (!unsealed.proposer().equals(proposer.address())) {
            throw new IllegalArgumentException("the header names proposer " + unsealed.proposer() + ", not "
                    + proposer.address());
        }
        byte[] seal = Arrays.copyOf(proposer.publicKey(), BYTES);
        System.arraycopy(proposer.sign(signedMessage(genesisHash, unsealed)), 0, seal, Ed25519.PUBLIC_KEY_BYTES,
                Ed25519.SIGNATURE_BYTES);
        return unsealed.withSeal(seal);
    }

    /** The public key in a seal of the right length. */
    public static byte[] publicKey(Header header) {
        return Arrays.copyOf(header.seal(), Ed25519.PUBLIC_KEY_BYTES);
    }

    /** Why the seal is not the header proposer's signature for the chain of this genesis hash, or empty. */
    public static Optional<Problem> check(Header header, byte[] genesisHash, Verifier verifier) {
        byte[] seal = header.seal();
        if (seal.length != BYTES) {
            return Optional.of(new Problem(Fault.MALFORMED, "the seal has " + seal.length + " bytes, not " + BYTES));
        }
        byte[] publicKey = Arrays.copyOf(seal, Ed25519.PUBLIC_KEY_BYTES);
        if (!Address.of(publicKey).equals(header.proposer())) {
            return Optional.of(new Problem(Fault.WRONG_KEY, "sealed with the key of " + Address.of(publicKey)
                    + ", not of the proposer " + header.proposer()));
        }
        byte[] signature = Arrays.copyOfRange(seal, Ed25519.PUBLIC_KEY_BYTES, BYTES);
        if (!verifier.verify(publicKey, signedMessage(genesisHash, header), signature)) {
            return Optional.of(new Problem(Fault.BAD_SIGNATURE,
                    "the seal is not the proposer's signature of this header"));
        }
        return Optional.empty();
    }

    /** True when the seal is the proposer's signature of the header for that chain (verified directly). */
    public static boolean isValid(Header header, byte[] genesisHash) {
        return check(header, genesisHash, Verifier.ED25519).isEmpty();
    }
}
