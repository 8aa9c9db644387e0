package mvpos.crypto;

import java.util.HexFormat;

/** Lowercase hexadecimal, as addresses and hashes are written. */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {
    }

    /** A hash and its hex, the last one encoded (immutable, so any thread may read it as published). */
    private record Encoded(byte[] bytes, String hex) {
    }

    /** Hashes this long are remembered: the same block hash is written once per copy of the block a node gets. */
    private static final int REMEMBERED_LENGTH = 32;
    private static Encoded last = new Encoded(new byte[0], "");

    /**
     * The bytes in lowercase hex. The last 32-byte value encoded is remembered: a simulated network of
     * thousands of nodes writes the same block hash once per delivery, and comparing 32 bytes costs less
     * than encoding them and allocating the string again.
     */
    public static String encode(byte[] bytes) {
        Encoded remembered = last;
        if (bytes.length == REMEMBERED_LENGTH && java.util.Arrays.equals(remembered.bytes(), bytes)) {
            return remembered.hex();
        }
        String hex = LOWER.formatHex(bytes);
        if (bytes.length == REMEMBERED_LENGTH) {
            last = new Encoded(bytes.clone(), hex);
        }
        return hex;
    }

    /** Decodes hex; throws {@link IllegalArgumentException} naming the problem when it is not hex. */
    public static byte[] decode(String hex) {
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("hex string has an odd length: " + hex.length());
        }
        return LOWER.parseHex(hex);
    }

    /** True when {@code s} is exactly {@code length} lowercase hex characters. */
    public static boolean isLowerHex(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
