package mvpos.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** SHA-256 against the test vectors of FIPS 180-2 (appendix B). */
class Sha256Test {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void emptyMessage() {
        assertThat(Sha256.hashHex(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void abc() {
        // FIPS 180-2, B.1: one-block message "abc".
        assertThat(Sha256.hashHex(ascii("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void twoBlockMessage() {
        // FIPS 180-2, B.2: 448-bit message, padded to two blocks.
        assertThat(Sha256.hashHex(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    @Test
    void millionAs() {
        // FIPS 180-2, B.3: one million repetitions of 'a'.
        byte[] data = new byte[1_000_000];
        Arrays.fill(data, (byte) 'a');
        assertThat(Sha256.hashHex(data))
                .isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    @Test
    void hashIsTheRawFormOfHashHex() {
        byte[] raw = Sha256.hash(ascii("abc"));
        assertThat(raw).hasSize(Sha256.LENGTH);
        assertThat(Hex.encode(raw)).isEqualTo(Sha256.hashHex(ascii("abc")));
        assertThat(Sha256.hashHex(ascii("abc"))).matches("[0-9a-f]{64}");
    }

    @Test
    void incrementalDigestMatchesOneShotHash() {
        MessageDigest digest = Sha256.newDigest();
        digest.update(ascii("ab"));
        digest.update(ascii("c"));
        assertThat(digest.digest()).isEqualTo(Sha256.hash(ascii("abc")));
    }
}
