package mvpos.crypto;

import java.util.Arrays;

/**
 * An account's address: the first 20 bytes of SHA-256 over a domain tag and the Ed25519 public key,
 * written as 40 lowercase hex characters. Deriving it from the key means whoever holds the key
 * controls the address, and a signature can be checked against it.
 */
public record Address(byte[] bytes) implements Comparable<Address> {
    public static final int LENGTH = 20;
    private static final byte[] TAG = "mvpos.address.v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public Address {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an address has " + LENGTH + " bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** The address of an Ed25519 public key. */
    public static Address of(byte[] publicKey) {
        java.security.MessageDigest digest = Sha256.newDigest();
        digest.update(TAG);
        digest.update(publicKey);
        return new Address(Arrays.copyOf(digest.digest(), LENGTH));
    }

    /** Parses 40 hex characters (an optional {@code 0x} prefix is accepted). */
    public static Address parse(String text) {
        String hex = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (hex.startsWith("0x")) {
            hex = hex.substring(2);
        }
        if (!Hex.isLowerHex(hex, LENGTH * 2)) {
            throw new IllegalArgumentException("'" + text + "' is not an address (40 hex characters)");
        }
        return new Address(Hex.decode(hex));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Address other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }
}
