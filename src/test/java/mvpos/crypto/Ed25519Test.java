package mvpos.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chosen Ed25519 implementation against RFC 8032, section 7.1, and against BouncyCastle. */
class Ed25519Test {

    @ParameterizedTest(name = "RFC 8032 {0}")
    @CsvSource({
        "TEST 1, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
            + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
            + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        "TEST 2, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
            + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
            + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        "TEST 3, c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
            + " fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82,"
            + " 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    })
    void matchesTheRfc8032TestVectors(String name, String seed, String publicKey, String message, String signature) {
        KeyPair keys = KeyPair.fromSeed(Hex.decode(seed));
        assertThat(Hex.encode(keys.publicKey())).isEqualTo(publicKey);
        assertThat(Hex.encode(keys.sign(Hex.decode(message)))).isEqualTo(signature);
        assertThat(Ed25519.verify(Hex.decode(publicKey), Hex.decode(message), Hex.decode(signature))).isTrue();
    }

    @Property(tries = 200)
    void signsExactlyAsAnIndependentImplementation(@ForAll @Size(32) byte[] seed, @ForAll @Size(max = 300) byte[] message) {
        byte[] publicKey = new byte[32];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        byte[] expected = new byte[64];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, message, 0, message.length, expected, 0);

        KeyPair keys = KeyPair.fromSeed(seed);
        assertThat(keys.publicKey()).isEqualTo(publicKey);
        assertThat(keys.sign(message)).isEqualTo(expected);
        assertThat(Ed25519.verify(publicKey, message, expected)).isTrue();
    }

    @Property(tries = 200)
    void anyChangedBitBreaksTheSignature(@ForAll @Size(32) byte[] seed, @ForAll @Size(min = 1, max = 100) byte[] message,
                                         @ForAll("bitIndex") int bit) {
        KeyPair keys = KeyPair.fromSeed(seed);
        byte[] signature = keys.sign(message);
        byte[] publicKey = keys.publicKey();
        int where = bit % 3;
        byte[][] targets = {signature, message, publicKey};
        byte[] target = targets[where];
        int index = (bit / 3) % (target.length * 8);
        target[index / 8] ^= (byte) (1 << (index % 8));
        assertThat(Ed25519.verify(publicKey, message, signature)).isFalse();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> bitIndex() {
        return net.jqwik.api.Arbitraries.integers().between(0, 100_000);
    }

    @org.junit.jupiter.api.Test
    void wrongLengthsAreRejectedNotThrown() {
        KeyPair keys = KeyPair.fromSeed(new byte[32]);
        byte[] signature = keys.sign(new byte[] {1});
        assertThat(Ed25519.verify(new byte[31], new byte[] {1}, signature)).isFalse();
        assertThat(Ed25519.verify(keys.publicKey(), new byte[] {1}, new byte[63])).isFalse();
    }

    @org.junit.jupiter.api.Test
    void theAddressIsDerivedFromThePublicKey() {
        KeyPair a = KeyPair.fromSeed(new byte[32]);
        byte[] otherSeed = new byte[32];
        otherSeed[0] = 1;
        KeyPair b = KeyPair.fromSeed(otherSeed);
        assertThat(a.address()).isEqualTo(Address.of(a.publicKey())).isNotEqualTo(b.address());
        assertThat(a.address().toString()).matches("[0-9a-f]{40}");
        assertThat(Address.parse("0x" + a.address().toString().toUpperCase())).isEqualTo(a.address());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Address.parse("abc"))
                .hasMessage("'abc' is not an address (40 hex characters)");
    }
}
