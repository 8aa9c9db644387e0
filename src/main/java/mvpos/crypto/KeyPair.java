package mvpos.crypto;

import java.util.Arrays;

/**
 * An Ed25519 key pair: the 32-byte seed it comes from, its public key and its address.
 * The seed is the secret; {@link #toString()} never shows it.
 */
public final class KeyPair {
    private final byte[] seed;
    private final byte[] secretKey;
    private final byte[] publicKey;
    private final Address address;

    private KeyPair(byte[] seed) {
        this.seed = seed.clone();
        this.secretKey = Ed25519.secretKeyOf(seed);
        this.publicKey = Ed25519.publicKeyOf(seed);
        this.address = Address.of(publicKey);
    }

    public static KeyPair fromSeed(byte[] seed) {
        return new KeyPair(seed);
    }

    /** A new key pair from 32 bytes of the given randomness (a secure source for real keys). */
    public static KeyPair generate(RandomSource random) {
        byte[] seed = new byte[Ed25519.SEED_BYTES];
        random.nextBytes(seed);
        return new KeyPair(seed);
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(secretKey, message);
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public byte[] seed() {
        return seed.clone();
    }

    public Address address() {
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyPair other && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "KeyPair[" + address + "]";
    }
}
