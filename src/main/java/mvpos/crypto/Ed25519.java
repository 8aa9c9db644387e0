package mvpos.crypto;

import com.goterl.lazysodium.SodiumJava;

/**
 * Ed25519 signatures (RFC 8032), through libsodium.
 *
 * <p>Chosen by measurement ({@code mvpos bench signatures}): on this project's machine libsodium
 * verifies about 19,000 signatures per second on one core, BouncyCastle about 12,700 and the JDK's
 * own provider about 1,900. Every node must accept exactly the same signatures, so there is one
 * implementation and no fallback: libsodium's verification is strict (it rejects non-canonical
 * signatures and small-order public keys), and checked against the RFC 8032 test vectors.
 */
public final class Ed25519 {
    public static final int SEED_BYTES = 32;
    public static final int PUBLIC_KEY_BYTES = 32;
    public static final int SECRET_KEY_BYTES = 64;
    public static final int SIGNATURE_BYTES = 64;

    private static final SodiumJava SODIUM = new SodiumJava();

    private Ed25519() {
    }

    /** The public key of a 32-byte seed (the RFC's "private key"). */
    public static byte[] publicKeyOf(byte[] seed) {
        return expand(seed)[0];
    }

    /** libsodium's 64-byte secret key (seed followed by public key) for a seed. */
    static byte[] secretKeyOf(byte[] seed) {
        return expand(seed)[1];
    }

    private static byte[][] expand(byte[] seed) {
        requireLength(seed, SEED_BYTES, "seed");
        byte[] publicKey = new byte[PUBLIC_KEY_BYTES];
        byte[] secretKey = new byte[SECRET_KEY_BYTES];
        if (SODIUM.crypto_sign_seed_keypair(publicKey, secretKey, seed) != 0) {
            throw new IllegalStateException("libsodium could not derive a key pair");
        }
        return new byte[][] {publicKey, secretKey};
    }

    /** Signs {@code message} with a 64-byte libsodium secret key. */
    static byte[] sign(byte[] secretKey, byte[] message) {
        requireLength(secretKey, SECRET_KEY_BYTES, "secret key");
        byte[] signature = new byte[SIGNATURE_BYTES];
        if (SODIUM.crypto_sign_detached(signature, null, message, message.length, secretKey) != 0) {
            throw new IllegalStateException("libsodium could not sign");
        }
        return signature;
    }

    /** True when {@code signature} is a valid signature of {@code message} by {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        return SODIUM.crypto_sign_verify_detached(signature, message, message.length, publicKey) == 0;
    }

    private static void requireLength(byte[] bytes, int length, String what) {
        if (bytes.length != length) {
            throw new IllegalArgumentException("an Ed25519 " + what + " has " + length + " bytes, not " + bytes.length);
        }
    }
}
