package mvpos.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the one hash function of mvpos. */
public final class Sha256 {
    /** Length of a digest in bytes. */
    public static final int LENGTH = 32;

    private Sha256() {
    }

    /** Hashes {@code data} in one call. */
    public static byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }

    /** Hashes {@code data} and returns the digest as 64 lowercase hex characters. */
    public static String hashHex(byte[] data) {
        return Hex.encode(hash(data));
    }

    private static final MessageDigest PROTOTYPE = lookUp();

    /** A fresh digest for incremental hashing (a copy of one looked up once: the provider lookup is slow). */
    public static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp();
        }
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
