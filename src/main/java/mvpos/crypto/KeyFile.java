package mvpos.crypto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.goterl.lazysodium.SodiumJava;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key file of a wallet: JSON with the address and public key in the clear, and the 32-byte seed
 * either in the clear or sealed with a passphrase (Argon2id to derive a key, then libsodium's
 * secretbox, XSalsa20-Poly1305, to encrypt and authenticate).
 *
 * <p>Every problem with a file is a {@link KeyFileException} with a one-line message; the caller
 * adds the file name.
 */
public final class KeyFile {
    public static final String FORMAT = "mvpos-key-v1";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final SodiumJava SODIUM = new SodiumJava();
    private static final int ARGON2ID13 = 2;
    private static final long OPS_LIMIT = 2; // libsodium's "interactive" setting
    private static final long MEM_LIMIT = 64L * 1024 * 1024;
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 24;
    private static final int MAC_BYTES = 16;
    private static final int BOX_KEY_BYTES = 32;

    /** The JSON document. */
    public record Document(String format, String address, String publicKey, String seed, Sealed sealed) {
    }

    /** A seed sealed with a passphrase. */
    public record Sealed(String kdf, long opsLimit, long memLimit, String salt, String nonce, String ciphertext) {
    }

    private KeyFile() {
    }

    /** The JSON of a key file; with a non-null passphrase the seed is sealed with it. */
    public static String write(KeyPair keys, char[] passphrase, RandomSource random) {
        String seed = null;
        Sealed sealed = null;
        if (passphrase == null) {
            seed = Hex.encode(keys.seed());
        } else {
            byte[] salt = new byte[SALT_BYTES];
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(salt);
            random.nextBytes(nonce);
            byte[] key = deriveKey(passphrase, salt, OPS_LIMIT, MEM_LIMIT);
            byte[] plain = keys.seed();
            byte[] cipher = new byte[plain.length + MAC_BYTES];
            SODIUM.crypto_secretbox_easy(cipher, plain, plain.length, nonce, key);
            Arrays.fill(key, (byte) 0);
            Arrays.fill(plain, (byte) 0);
            sealed = new Sealed("argon2id13", OPS_LIMIT, MEM_LIMIT, Hex.encode(salt), Hex.encode(nonce), Hex.encode(cipher));
        }
        Document document = new Document(FORMAT, keys.address().toString(), Hex.encode(keys.publicKey()), seed, sealed);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a key file could not be written as JSON", e);
        }
    }

    /** Reads only what is in the clear: the address and public key, checked against each other. */
    public static Document readPublic(String json) throws KeyFileException {
        Document document = parse(json);
        byte[] publicKey = decodeHex(document.publicKey(), "publicKey", Ed25519.PUBLIC_KEY_BYTES);
        if (!Address.of(publicKey).toString().equals(document.address())) {
            throw new KeyFileException("corrupt: the address does not belong to the public key");
        }
        return document;
    }

    /** True when the seed is sealed with a passphrase. */
    public static boolean isSealed(Document document) {
        return document.sealed() != null;
    }

    /** Reads the key pair; {@code passphrase} is needed (and only used) for a sealed seed. */
    public static KeyPair read(String json, char[] passphrase) throws KeyFileException {
        Document document = readPublic(json);
        byte[] seed;
        if (document.sealed() == null) {
            seed = decodeHex(document.seed(), "seed", Ed25519.SEED_BYTES);
        } else {
            if (passphrase == null) {
                throw new KeyFileException("the key is protected by a passphrase; give it with --passphrase-file FILE"
                        + " or the MVPOS_PASSPHRASE environment variable");
            }
            seed = unseal(document.sealed(), passphrase);
        }
        KeyPair keys = KeyPair.fromSeed(seed);
        Arrays.fill(seed, (byte) 0);
        if (!keys.address().toString().equals(document.address())) {
            throw new KeyFileException("corrupt: the secret key does not belong to the address " + document.address());
        }
        return keys;
    }

    private static Document parse(String json) throws KeyFileException {
        Document document;
        try {
            document = JSON.readValue(json, Document.class);
        } catch (JsonProcessingException e) {
            throw new KeyFileException("not a key file: " + e.getOriginalMessage());
        }
        if (document == null || !FORMAT.equals(document.format())) {
            throw new KeyFileException("not a key file: \"format\" must be \"" + FORMAT + "\"");
        }
        if (document.address() == null || document.publicKey() == null) {
            throw new KeyFileException("not a key file: \"address\" and \"publicKey\" are required");
        }
        if ((document.seed() == null) == (document.sealed() == null)) {
            throw new KeyFileException("not a key file: it needs exactly one of \"seed\" and \"sealed\"");
        }
        return document;
    }

    private static byte[] unseal(Sealed sealed, char[] passphrase) throws KeyFileException {
        if (!"argon2id13".equals(sealed.kdf())) {
            throw new KeyFileException("unknown key derivation \"" + sealed.kdf() + "\"");
        }
        if (sealed.opsLimit() < 1 || sealed.opsLimit() > 16 || sealed.memLimit() < 8192
                || sealed.memLimit() > 1L << 30) {
            throw new KeyFileException("key derivation limits out of range");
        }
        byte[] salt = decodeHex(sealed.salt(), "salt", SALT_BYTES);
        byte[] nonce = decodeHex(sealed.nonce(), "nonce", NONCE_BYTES);
        byte[] cipher = decodeHex(sealed.ciphertext(), "ciphertext", Ed25519.SEED_BYTES + MAC_BYTES);
        byte[] key = deriveKey(passphrase, salt, sealed.opsLimit(), sealed.memLimit());
        byte[] seed = new byte[Ed25519.SEED_BYTES];
        int result = SODIUM.crypto_secretbox_open_easy(seed, cipher, cipher.length, nonce, key);
        Arrays.fill(key, (byte) 0);
        if (result != 0) {
            throw new KeyFileException("wrong passphrase (or the sealed key was altered)");
        }
        return seed;
    }

    private static byte[] deriveKey(char[] passphrase, byte[] salt, long opsLimit, long memLimit) {
        byte[] password = new String(passphrase).getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[BOX_KEY_BYTES];
        int result = SODIUM.crypto_pwhash(key, key.length, password, password.length, salt, opsLimit,
                new NativeLong(memLimit), ARGON2ID13);
        Arrays.fill(password, (byte) 0);
        if (result != 0) {
            throw new IllegalStateException("Argon2id ran out of memory deriving the key");
        }
        return key;
    }

    private static byte[] decodeHex(String hex, String field, int length) throws KeyFileException {
        if (hex == null || !Hex.isLowerHex(hex, length * 2)) {
            throw new KeyFileException("\"" + field + "\" must be " + length * 2 + " lowercase hex characters");
        }
        return Hex.decode(hex);
    }

    /** A key file that cannot be used; the message says why in one line. */
    public static final class KeyFileException extends Exception {
        public KeyFileException(String message) {
            super(message);
        }
    }
}
