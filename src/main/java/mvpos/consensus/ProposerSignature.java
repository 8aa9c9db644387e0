package mvpos.consensus;

import java.util.Optional;
import mvpos.chain.Header;
import mvpos.chain.SignedSeal;
import mvpos.crypto.KeyPair;

/**
 * The seal of engines whose blocks are signed by their proposer (poa, pos): the proposer's public
 * key followed by its Ed25519 signature of the header's sealing bytes. The key must hash to the
 * header's proposer address, and the signature commits to the chain's genesis hash. The format is
 * {@link SignedSeal}'s; this maps its faults to seal rejections.
 */
public final class ProposerSignature {
    public static final int SEAL_BYTES = SignedSeal.BYTES;

    private ProposerSignature() {
    }

    /** Seals a header of {@code chain}, whose proposer must be the key's address. */
    public static Header seal(ChainView chain, KeyPair proposer, Header unsealed) {
        return SignedSeal.seal(proposer, chain.domain().genesisHash(), unsealed);
    }

    /** The public key in a well-formed seal. */
    public static byte[] publicKey(Header header) {
        return SignedSeal.publicKey(header);
    }

    /** Why the seal is not the header proposer's signature, or empty when it is. */
    public static Optional<SealRejection> check(ChainView chain, Header header) {
        return SignedSeal.check(header, chain.domain().genesisHash(), chain::verifySignature).map(problem -> SealRejection.of(
                problem.fault() == SignedSeal.Fault.MALFORMED ? SealRejection.Reason.MALFORMED_SEAL
                        : SealRejection.Reason.BAD_SIGNATURE, problem.detail()));
    }
}
