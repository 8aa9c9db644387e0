package mvpos.crypto;

import java.util.HexFormat;

/** Lowercase hexadecimal, as addresses and hashes are written. */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        return LOWER.formatHex(bytes);
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
