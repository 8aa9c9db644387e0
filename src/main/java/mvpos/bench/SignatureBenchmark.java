package mvpos.bench;

import com.goterl.lazysodium.SodiumJava;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: Ed25519 signature verification with each candidate library, on one thread
 * ({@code mvpos bench signatures}). The figures decided which library mvpos signs with; see
 * docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SignatureBenchmark {
    @Param({"jdk", "bouncycastle", "libsodium"})
    public String library;

    private final byte[] message = "mvpos transfer: 100 tokens from alice to bob, nonce 7, chain devnet-1"
            .getBytes(StandardCharsets.UTF_8);
    private byte[] publicKey;
    private byte[] signature;
    private Signature jdkVerifier;
    private PublicKey jdkKey;
    private SodiumJava sodium;

    @Setup
    public void setUp() throws Exception {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (i * 7 + 1);
        }
        publicKey = new byte[32];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        signature = new byte[64];
        Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
        switch (library) {
            case "jdk" -> {
                jdkKey = jdkPublicKey(publicKey);
                jdkVerifier = Signature.getInstance("Ed25519");
            }
            case "libsodium" -> sodium = new SodiumJava();
            default -> { }
        }
        if (!verify()) {
            throw new IllegalStateException(library + " rejects a valid signature");
        }
    }

    @Benchmark
    public boolean verify() throws Exception {
        return switch (library) {
            case "jdk" -> {
                jdkVerifier.initVerify(jdkKey);
                jdkVerifier.update(message);
                yield jdkVerifier.verify(signature);
            }
            case "bouncycastle" -> Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
            default -> sodium.crypto_sign_verify_detached(signature, message, message.length, publicKey) == 0;
        };
    }

    /** The JDK wants the key as a curve point: the sign of x in the top bit, y little-endian below it. */
    private static PublicKey jdkPublicKey(byte[] raw) throws Exception {
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = raw[31 - i];
        }
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        KeyPairGenerator.getInstance("Ed25519"); // fails early on a JDK without Ed25519
        return KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }
}
