package mvpos.consensus;

import java.util.Arrays;
import java.util.Optional;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.KeyPair;

/**
 * The seal of the {@code solo} engine, the single-validator chain of {@code mvpos node --dev}: the one
 * validator named in genesis ({@code engine.params.validator}) signs every header. The seal is its
 * public key followed by its Ed25519 signature of the header's sealing bytes.
 */
public final class SoloSeal {
    public static final String ENGINE = "solo";
    public static final String VALIDATOR_PARAM = "validator";
    private static final int SEAL_BYTES = Ed25519.PUBLIC_KEY_BYTES + Ed25519.SIGNATURE_BYTES;

    private SoloSeal() {
    }

    /** Seals a header (whose proposer must be the key's address). */
    public static Header seal(KeyPair validator, Header unsealed) {
        byte[] signature = validator.sign(unsealed.sealingBytes());
        byte[] seal = Arrays.copyOf(validator.publicKey(), SEAL_BYTES);
        System.arraycopy(signature, 0, seal, Ed25519.PUBLIC_KEY_BYTES, Ed25519.SIGNATURE_BYTES);
        return unsealed.withSeal(seal);
    }

    /** Why the header's seal is invalid for this validator, or empty when it is valid. */
    public static Optional<String> checkSeal(Header header, Address validator) {
        byte[] seal = header.seal();
        if (seal.length != SEAL_BYTES) {
            return Optional.of("the seal has " + seal.length + " bytes, not " + SEAL_BYTES);
        }
        byte[] publicKey = Arrays.copyOf(seal, Ed25519.PUBLIC_KEY_BYTES);
        byte[] signature = Arrays.copyOfRange(seal, Ed25519.PUBLIC_KEY_BYTES, SEAL_BYTES);
        if (!header.proposer().equals(validator) || !Address.of(publicKey).equals(validator)) {
            return Optional.of("sealed by " + Address.of(publicKey) + ", not by the validator " + validator);
        }
        if (!Ed25519.verify(publicKey, header.sealingBytes(), signature)) {
            return Optional.of("the seal's signature is invalid");
        }
        return Optional.empty();
    }
}
