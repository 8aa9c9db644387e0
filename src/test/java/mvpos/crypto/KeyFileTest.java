package mvpos.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Key files: plain and sealed, and every way a file can be unusable. */
class KeyFileTest {
    private final HashDrbg random = new HashDrbg(11);
    private final KeyPair keys = KeyPair.generate(random);

    @Test
    void aPlainKeyFileReadsBackTheSameKey() throws Exception {
        String json = KeyFile.write(keys, null, random);
        assertThat(KeyFile.read(json, null)).isEqualTo(keys);
        assertThat(KeyFile.read(json, null).seed()).isEqualTo(keys.seed());
        assertThat(KeyFile.isSealed(KeyFile.readPublic(json))).isFalse();
    }

    @Test
    void aSealedKeyFileNeedsTheRightPassphrase() throws Exception {
        String json = KeyFile.write(keys, "correct horse".toCharArray(), random);
        assertThat(json).doesNotContain(Hex.encode(keys.seed()));
        assertThat(KeyFile.isSealed(KeyFile.readPublic(json))).isTrue();
        assertThat(KeyFile.readPublic(json).address()).isEqualTo(keys.address().toString());
        assertThat(KeyFile.read(json, "correct horse".toCharArray()).seed()).isEqualTo(keys.seed());
        assertThatThrownBy(() -> KeyFile.read(json, "wrong horse".toCharArray()))
                .isInstanceOf(KeyFile.KeyFileException.class).hasMessageStartingWith("wrong passphrase");
        assertThatThrownBy(() -> KeyFile.read(json, null))
                .hasMessageContaining("protected by a passphrase").hasMessageContaining("--passphrase-file");
    }

    @Test
    void alteredCiphertextIsDetected() throws Exception {
        String json = KeyFile.write(keys, "pw".toCharArray(), random);
        String ciphertext = KeyFile.readPublic(json).sealed().ciphertext();
        char flipped = ciphertext.charAt(0) == '0' ? '1' : '0';
        String altered = json.replace(ciphertext, flipped + ciphertext.substring(1));
        assertThatThrownBy(() -> KeyFile.read(altered, "pw".toCharArray())).hasMessageStartingWith("wrong passphrase");
    }

    @Test
    void brokenFilesAreRefusedWithTheReason() {
        String json = KeyFile.write(keys, null, random);
        String otherAddress = KeyPair.generate(random).address().toString();
        String[][] cases = {
            {"not json at all", "not a key file: "},
            {"{}", "not a key file: \"format\" must be"},
            {json.replace("mvpos-key-v1", "other-v9"), "not a key file: \"format\" must be"},
            {json.replace(keys.address().toString(), otherAddress), "corrupt: the address does not belong"},
            {json.replace("\"seed\"", "\"seedling\""), "not a key file: "},
            {json.replace(Hex.encode(keys.seed()), "zz"), "\"seed\" must be 64 lowercase hex characters"},
            {json.replace(Hex.encode(keys.publicKey()), Hex.encode(new byte[32])), "corrupt: the address"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> KeyFile.read(c[0], null)).as(c[0])
                    .isInstanceOf(KeyFile.KeyFileException.class).hasMessageStartingWith(c[1]);
        }
    }

    @Test
    void aSeedThatDoesNotMatchTheAddressIsCorrupt() {
        String json = KeyFile.write(keys, null, random);
        String otherSeed = Hex.encode(KeyPair.generate(random).seed());
        assertThatThrownBy(() -> KeyFile.read(json.replace(Hex.encode(keys.seed()), otherSeed), null))
                .hasMessageStartingWith("corrupt: the secret key does not belong to the address");
    }
}
