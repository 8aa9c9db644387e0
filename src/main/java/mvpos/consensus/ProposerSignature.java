package mvpos.consensus;

import java.util.Arrays;
import java.util.Optional;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.KeyPair;

/**
 * The seal of engines whose blocks are signed by their proposer (poa, pos): the proposer's public
 * key followed by its Ed25519 signature of the header's sealing bytes. The key must hash to the
 * header's proposer address.
 */
public final class ProposerSignature {
    public static final int SEAL_BYTES = Ed25519.PUBLIC_KEY_BYTES + Ed25519.SIGNATURE_BYTES;

    private ProposerSignature() {
    }

    /** Seals a header, whose proposer must be the key's address. */
    public static Header seal(KeyPair proposer, Header unsealed) {
        if (!unsealed.proposer().equals(proposer.address())) {
            throw new IllegalArgumentException("the header names proposer " + unsealed.proposer() + ", not "
                    + proposer.address());
        }
        byte[] signature = proposer.sign(unsealed.sealingBytes());
        byte[] seal = Arrays.copyOf(proposer.publicKey(), SEAL_BYTES);
        System.arraycopy(signature, 0, seal, Ed25519.PUBLIC_KEY_BYTES, Ed25519.SIGNATURE_BYTES);
        return unsealed.withSeal(seal);
    }

    /** The public key in a well-formed seal. */
    public static byte[] publicKey(Header header) {
        return Arrays.copyOf(header.seal(), Ed25519.PUBLIC_KEY_BYTES);
    }

    /** Why the seal is not the header proposer's signature, or empty when it is. */
    public static Optional<SealRejection> check(ChainView chain, Header header) {
        byte[] seal = header.seal();
        if (seal.length != SEAL_BYTES) {
            return Optional.of(SealRejection.of(SealRejection.Reason.MALFORMED_SEAL,
                    "the seal has " + seal.length + " bytes, not " + SEAL_BYTES));
        }
        byte[] publicKey = Arrays.copyOf(seal, Ed25519.PUBLIC_KEY_BYTES);
        if (!Address.of(publicKey).equals(header.proposer())) {
            return Optional.of(SealRejection.of(SealRejection.Reason.BAD_SIGNATURE,
                    "sealed with the key of " + Address.of(publicKey) + ", not of the proposer " + header.proposer()));
        }
        byte[] signature = Arrays.copyOfRange(seal, Ed25519.PUBLIC_KEY_BYTES, SEAL_BYTES);
        if (!chain.verifySignature(publicKey, header.sealingBytes(), signature)) {
            return Optional.of(SealRejection.of(SealRejection.Reason.BAD_SIGNATURE,
                    "the seal is not the proposer's signature of this header"));
        }
        return Optional.empty();
    }
}
