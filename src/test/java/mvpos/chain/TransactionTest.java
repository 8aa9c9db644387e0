package mvpos.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.crypto.Sha256;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TransactionTest {
    private static final ChainDomain TEST = TestDomain.of("mvpos-test");
    private static final String STORED_TAG = "mvpos.tx.stored.v1";
    private static final String STORED_WITH_DATA_TAG = "mvpos.tx.stored.v2";
    private static final KeyPair ALICE = KeyPair.generate(new HashDrbg(1));
    private static final KeyPair BOB = KeyPair.generate(new HashDrbg(2));

    // ---------------------------------------------------------------- generators

    /** Valid Unicode strings, mostly ASCII, some multi-byte and supplementary characters. */
    @Provide
    static Arbitrary<String> chainIds() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
        return codePoint.list().ofMaxSize(16).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    static Arbitrary<Address> addresses() {
        return Arbitraries.bytes().array(byte[].class).ofSize(Address.LENGTH).map(Address::new);
    }

    /** Longs biased towards the edges, where encodings of signs and widths go wrong. */
    static Arbitrary<Long> edgyLongs() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs()),
                Tuple.of(1, Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE)));
    }

    /** Data: often none (the v1 encoding), otherwise a few bytes. */
    static Arbitrary<byte[]> datas() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(new byte[0])),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(100)));
    }

    /**
     * Any transaction the record can hold, signed or not: keys and signatures of any length (a decoder
     * must keep them as they are; verification is what refuses them), any kind code, with or without data.
     */
    @Provide
    Arbitrary<Transaction> anyTransactions() {
        Arbitrary<byte[]> keys = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> signatures = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        Arbitrary<Transaction> withoutData = Combinators.combine(chainIds(), keys, edgyLongs(), Arbitraries.integers(),
                        addresses(), edgyLongs(), edgyLongs(), signatures)
                .as(Transaction::new);
        return Combinators.combine(withoutData, datas()).as(TransactionTest::withData);
    }

    /** A transaction really signed by a key made from a random seed, with or without data. */
    @Provide
    Arbitrary<Transaction> signedTransactions() {
        Arbitrary<KeyPair> keys = Arbitraries.longs().map(seed -> KeyPair.generate(new HashDrbg(seed)));
        return Combinators.combine(keys, chainIds().map(TestDomain::of), edgyLongs(), Arbitraries.of(TxKind.class),
                        addresses(), edgyLongs(), edgyLongs(), datas())
                .as(Transaction::sign);
    }

    /** {@code tx} with other data, and its signature kept. */
    private static Transaction withData(Transaction tx, byte[] data) {
        return new Transaction(tx.chainId(), tx.senderKey(), tx.nonce(), tx.kind(), tx.to(), tx.amount(), tx.fee(),
                data, tx.signature());
    }

    private static Transaction transfer() {
        return Transaction.sign(ALICE, TEST, 7, TxKind.TRANSFER, BOB.address(), 1_000, 10);
    }

    // ---------------------------------------------------------------- encoding

    /** Round trip: decode(encode(tx)) has every field of tx, and encodes to the same bytes. */
    @Property(tries = 300)
    void encodeDecodeRoundTrip(@ForAll("anyTransactions") Transaction tx) {
        byte[] bytes = tx.encode();
        Transaction back = Transaction.decode(bytes);

        assertThat(back.chainId()).isEqualTo(tx.chainId());
        assertThat(back.senderKey()).isEqualTo(tx.senderKey());
        assertThat(back.nonce()).isEqualTo(tx.nonce());
        assertThat(back.kind()).isEqualTo(tx.kind());
        assertThat(back.to()).isEqualTo(tx.to());
        assertThat(back.amount()).isEqualTo(tx.amount());
        assertThat(back.fee()).isEqualTo(tx.fee());
        assertThat(back.data()).isEqualTo(tx.data());
        assertThat(back.signature()).isEqualTo(tx.signature());
        assertThat(back).isEqualTo(tx);
        assertThat(back.encode()).isEqualTo(bytes);
        assertThat(back.hash()).isEqualTo(tx.hash());
    }

    /** A signed transaction still verifies after a trip through its stored encoding. */
    @Property(tries = 100)
    void signedTransactionSurvivesRoundTrip(@ForAll("signedTransactions") Transaction tx) {
        assertThat(Transaction.decode(tx.encode()).hasValidSignature(TestDomain.of(tx.chainId()))).isTrue();
    }

    @Test
    void missingRecipientIsTheZeroAddress() {
        Transaction stake = Transaction.sign(ALICE, TestDomain.of("c"), 0, TxKind.STAKE, null, 5, 0);
        assertThat(stake.to()).isEqualTo(new Address(new byte[Address.LENGTH]));
        assertThat(stake.hasValidSignature(TestDomain.of("c"))).isTrue();
        assertThat(Transaction.decode(stake.encode())).isEqualTo(stake);
    }

    /** The record keeps its own copies of the arrays: callers cannot change a transaction after the fact. */
    @Test
    void arraysAreDefensivelyCopied() {
        byte[] key = ALICE.publicKey();
        Transaction signed = transfer();
        byte[] signature = signed.signature();
        Transaction tx = new Transaction("mvpos-test", key, 7, TxKind.TRANSFER.code(), BOB.address(), 1_000, 10,
                signature);
        assertThat(tx.hasValidSignature(TEST)).isTrue();

        key[0] ^= 1;
        signature[0] ^= 1;
        tx.senderKey()[1] ^= 1;
        tx.signature()[1] ^= 1;

        assertThat(tx.hasValidSignature(TEST)).isTrue();
        assertThat(tx).isEqualTo(signed);
    }

    // ---------------------------------------------------------------- signatures

    /** A transaction made by sign() verifies, and its sender is the signing key's address. */
    @Property(tries = 100)
    void signedTransactionVerifies(@ForAll long seed, @ForAll("chainIds") String chainId, @ForAll long nonce,
                                   @ForAll TxKind kind, @ForAll long amount, @ForAll long fee) {
        KeyPair key = KeyPair.generate(new HashDrbg(seed));
        Transaction tx = Transaction.sign(key, TestDomain.of(chainId), nonce, kind, BOB.address(), amount, fee);

        assertThat(tx.hasValidSignature(TestDomain.of(chainId))).isTrue();
        assertThat(tx.sender()).isEqualTo(key.address());
        assertThat(tx.senderKey()).isEqualTo(key.publicKey());
        assertThat(tx.kind()).isEqualTo(kind.code());
    }

    enum SignedField { CHAIN_ID, SENDER_KEY, NONCE, KIND, TO, AMOUNT, FEE, DATA }

    /** Changes one field of {@code tx} and keeps its signature; {@code salt} picks the new value. */
    private static Transaction tamper(Transaction tx, SignedField field, long salt) {
        long delta = salt == 0 ? 1 : salt;
        String chainId = tx.chainId();
        byte[] senderKey = tx.senderKey();
        long nonce = tx.nonce();
        int kind = tx.kind();
        Address to = tx.to();
        long amount = tx.amount();
        long fee = tx.fee();
        byte[] data = tx.data();
        switch (field) {
            case CHAIN_ID -> chainId = chainId + (char) ('a' + Math.floorMod(salt, 26));
            case SENDER_KEY -> senderKey = KeyPair.generate(new HashDrbg(salt)).publicKey();
            case NONCE -> nonce += delta;
            case KIND -> kind += (int) (delta | 1); // odd, so never 0 mod 2^32
            case TO -> {
                byte[] bytes = to.bytes();
                bytes[Math.floorMod(salt, Address.LENGTH)] ^= (byte) (1 << Math.floorMod(salt, 8));
                to = new Address(bytes);
            }
            case AMOUNT -> amount += delta;
            case FEE -> fee += delta;
            case DATA -> {
                if (data.length == 0 || salt % 3 == 0) {
                    data = Arrays.copyOf(data, data.length + 1); // one more byte (from none: v1 becomes v2)
                } else {
                    data[Math.floorMod(salt, data.length)] ^= (byte) (1 << Math.floorMod(salt, 8));
                }
            }
        }
        return new Transaction(chainId, senderKey, nonce, kind, to, amount, fee, data, tx.signature());
    }

    /** Every field is covered by the signature: changing any one of them after signing invalidates it. */
    @Property(tries = 200)
    void changingAnySignedFieldInvalidatesTheSignature(@ForAll("signedTransactions") Transaction tx,
                                                      @ForAll SignedField field, @ForAll long salt) {
        Transaction tampered = tamper(tx, field, salt);
        Assume.that(!Arrays.equals(tampered.senderKey(), tx.senderKey()) || field != SignedField.SENDER_KEY);

        ChainDomain domain = TestDomain.of(tx.chainId());
        assertThat(tx.hasValidSignature(domain)).isTrue();
        assertThat(tampered.hasValidSignature(domain)).as("%s changed", field).isFalse();
    }

    /** Each field, once, with a concrete change (so no field can be skipped by the generator). */
    @Test
    void everySignedFieldIsCovered() {
        Transaction tx = transfer();
        assertThat(tx.hasValidSignature(TEST)).isTrue();
        for (SignedField field : SignedField.values()) {
            assertThat(tamper(tx, field, 3).hasValidSignature(TEST)).as("%s changed", field).isFalse();
        }
    }

    /** A flipped bit anywhere in the signature, or a signature of the wrong length, does not verify. */
    @Property(tries = 100)
    void damagedSignatureDoesNotVerify(@ForAll @IntRange(max = 63) int index, @ForAll @IntRange(max = 7) int bit) {
        Transaction tx = transfer();
        byte[] signature = tx.signature();
        signature[index] ^= (byte) (1 << bit);
        assertThat(withSignature(tx, signature).hasValidSignature(TEST)).isFalse();
        assertThat(withSignature(tx, Arrays.copyOf(tx.signature(), index)).hasValidSignature(TEST)).isFalse();
        assertThat(withSignature(tx, Arrays.copyOf(tx.signature(), 64 + index + 1)).hasValidSignature(TEST)).isFalse();
    }

    @Test
    void anotherKeysSignatureDoesNotVerify() {
        Transaction byAlice = transfer();
        Transaction byBob = Transaction.sign(BOB, TEST, 7, TxKind.TRANSFER, BOB.address(), 1_000, 10);
        // Alice's key with Bob's signature of otherwise the same fields.
        assertThat(withSignature(byAlice, byBob.signature()).hasValidSignature(TEST)).isFalse();
        // A public key of the wrong length is refused, not an exception.
        Transaction shortKey = new Transaction("mvpos-test", new byte[31], 7, 1, BOB.address(), 1_000, 10,
                byAlice.signature());
        assertThat(shortKey.hasValidSignature(TEST)).isFalse();
    }

    private static Transaction withSignature(Transaction tx, byte[] signature) {
        return new Transaction(tx.chainId(), tx.senderKey(), tx.nonce(), tx.kind(), tx.to(), tx.amount(), tx.fee(),
                tx.data(), signature);
    }

    // ---------------------------------------------------------------- data

    /** Data is signed: a slash's evidence cannot be swapped, cut or dropped without breaking the signature. */
    @Test
    void dataIsSigned() {
        byte[] evidence = {1, 2, 3, 4};
        Transaction slash = Transaction.sign(ALICE, TEST, 0, TxKind.SLASH, BOB.address(), 0, 1, evidence);
        assertThat(slash.hasValidSignature(TEST)).isTrue();
        assertThat(slash.data()).containsExactly(1, 2, 3, 4);
        assertThat(withData(slash, new byte[] {1, 2, 3, 5}).hasValidSignature(TEST)).isFalse();
        assertThat(withData(slash, new byte[] {1, 2, 3}).hasValidSignature(TEST)).isFalse();
        assertThat(withData(slash, new byte[0]).hasValidSignature(TEST)).isFalse();
        // Data added to a transaction signed without any.
        assertThat(withData(transfer(), new byte[] {0}).hasValidSignature(TEST)).isFalse();
        // The record keeps its own copy.
        evidence[0] = 9;
        slash.data()[1] = 9;
        assertThat(slash.data()).containsExactly(1, 2, 3, 4);
    }

    /** Data round-trips through the stored encoding, and a signed transaction with data still verifies. */
    @Property(tries = 100)
    void dataRoundTrips(@ForAll @Size(min = 1, max = 300) byte[] data, @ForAll long seed) {
        KeyPair key = KeyPair.generate(new HashDrbg(seed));
        Transaction tx = Transaction.sign(key, TEST, 3, TxKind.SLASH, BOB.address(), 0, 2, data);
        Transaction back = Transaction.decode(tx.encode());
        assertThat(back.data()).isEqualTo(data);
        assertThat(back).isEqualTo(tx);
        assertThat(back.hash()).isEqualTo(tx.hash());
        assertThat(back.hasValidSignature(TEST)).isTrue();
    }

    /**
     * A transaction without data keeps the v1 encoding; with data it is v2, the data after the fee. A v2
     * encoding of empty data is refused, so each transaction has one encoding.
     */
    @Test
    void dataLayoutAndOneEncodingPerTransaction() {
        assertThat(Transaction.decode(storedEncoding("c", BOB.address().bytes(), new byte[] {7})).data()).isEmpty();
        byte[] withData = CanonicalEncoder.tagged(STORED_WITH_DATA_TAG).writeString("c").writeBytes(ALICE.publicKey())
                .writeLong(5).writeInt(4).writeBytes(BOB.address().bytes()).writeLong(0).writeLong(1)
                .writeBytes(new byte[] {8, 9}).writeBytes(new byte[] {7}).toBytes();
        Transaction tx = Transaction.decode(withData);
        assertThat(tx.data()).containsExactly(8, 9);
        assertThat(tx.signature()).containsExactly(7);
        assertThat(tx.encode()).isEqualTo(withData);

        byte[] emptyData = CanonicalEncoder.tagged(STORED_WITH_DATA_TAG).writeString("c")
                .writeBytes(ALICE.publicKey()).writeLong(5).writeInt(4).writeBytes(BOB.address().bytes())
                .writeLong(0).writeLong(1).writeBytes(new byte[0]).writeBytes(new byte[] {7}).toBytes();
        assertThatThrownBy(() -> Transaction.decode(emptyData)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("empty data");
    }

    // ---------------------------------------------------------------- hash

    /** The hash is SHA-256 of the stored encoding, so it commits to the signature too. */
    @Property(tries = 100)
    void hashDiffersWhenSignatureDiffers(@ForAll("anyTransactions") Transaction tx,
                                         @ForAll @Size(max = 80) byte[] otherSignature) {
        Assume.that(!Arrays.equals(otherSignature, tx.signature()));
        Transaction other = withSignature(tx, otherSignature);

        assertThat(tx.hash()).isEqualTo(Sha256.hash(tx.encode()));
        assertThat(other.hash()).isNotEqualTo(tx.hash());
        assertThat(other.hashHex()).isNotEqualTo(tx.hashHex());
        assertThat(other).isNotEqualTo(tx);
    }

    @Test
    void equalTransactionsHaveEqualHashes() {
        Transaction a = transfer();
        Transaction b = transfer(); // Ed25519 signing is deterministic
        assertThat(a).isNotSameAs(b).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.hash()).isEqualTo(b.hash()).hasSize(32);
        assertThat(a.hashHex()).hasSize(64).isEqualTo(b.hashHex());
    }

    // ---------------------------------------------------------------- malformed input

    /** Arbitrary bytes either decode or are refused with MalformedEncodingException, never another exception. */
    @Property(tries = 1000)
    void garbageIsRejectedAsMalformed(@ForAll @Size(max = 200) byte[] garbage) {
        assertOnlyMalformed(garbage);
    }

    /** Likewise for a valid encoding with one byte changed: the damage most likely to reach the length fields. */
    @Property(tries = 1000)
    void corruptedEncodingIsRejectedAsMalformedOrDecodes(@ForAll("anyTransactions") Transaction tx,
                                                         @ForAll @IntRange(max = 10_000) int position,
                                                         @ForAll byte value) {
        byte[] bytes = tx.encode();
        bytes[position % bytes.length] = value;
        assertOnlyMalformed(bytes);
    }

    private static void assertOnlyMalformed(byte[] bytes) {
        Throwable thrown = catchThrowable(() -> Transaction.decode(bytes));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(MalformedEncodingException.class);
        }
    }

    /** Every proper prefix of a valid encoding is refused. */
    @Property(tries = 300)
    void truncatedEncodingIsRejected(@ForAll("anyTransactions") Transaction tx,
                                     @ForAll @IntRange(max = 10_000) int cut) {
        byte[] bytes = tx.encode();
        byte[] prefix = Arrays.copyOf(bytes, cut % bytes.length);
        assertThatThrownBy(() -> Transaction.decode(prefix)).isInstanceOf(MalformedEncodingException.class);
    }

    @Property(tries = 100)
    void trailingBytesAreRejected(@ForAll("anyTransactions") Transaction tx, @ForAll @Size(min = 1, max = 8) byte[] extra) {
        byte[] bytes = tx.encode();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.length);
        System.arraycopy(extra, 0, longer, bytes.length, extra.length);
        assertThatThrownBy(() -> Transaction.decode(longer)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void emptyInputIsRejected() {
        assertThatThrownBy(() -> Transaction.decode(new byte[0])).isInstanceOf(MalformedEncodingException.class);
    }

    /** Another object's encoding (here the signed bytes) is not a stored transaction. */
    @Test
    void wrongTagIsRejected() {
        byte[] signedBytes = transfer().signedBytes(TEST);
        assertThatThrownBy(() -> Transaction.decode(signedBytes)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining(STORED_TAG);
    }

    /** A recipient must be exactly 20 bytes; anything else is malformed, not an IllegalArgumentException. */
    @Property(tries = 50)
    void recipientOfWrongLengthIsRejected(@ForAll @Size(max = 40) byte[] to) {
        Assume.that(to.length != Address.LENGTH);
        byte[] bytes = storedEncoding("c", to, "c".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Transaction.decode(bytes)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining(to.length + " bytes");
    }

    @Test
    void chainIdThatIsNotUtf8IsRejected() {
        CanonicalEncoder out = CanonicalEncoder.tagged(STORED_TAG).writeBytes(new byte[] {(byte) 0xc3, 0x28});
        byte[] bytes = out.writeBytes(ALICE.publicKey()).writeLong(0).writeInt(1).writeBytes(new byte[20])
                .writeLong(1).writeLong(0).writeBytes(new byte[64]).toBytes();
        assertThatThrownBy(() -> Transaction.decode(bytes)).isInstanceOf(MalformedEncodingException.class)
                .hasMessageContaining("UTF-8");
    }

    /** The stored layout, written by hand, decodes to the expected fields (a check of the field order). */
    @Test
    void decodesTheDocumentedFieldOrder() {
        byte[] to = BOB.address().bytes();
        byte[] bytes = storedEncoding("chain", to, new byte[] {9, 9});
        Transaction tx = Transaction.decode(bytes);
        assertThat(tx.chainId()).isEqualTo("chain");
        assertThat(tx.senderKey()).isEqualTo(ALICE.publicKey());
        assertThat(tx.nonce()).isEqualTo(5);
        assertThat(tx.kind()).isEqualTo(77);
        assertThat(tx.to()).isEqualTo(BOB.address());
        assertThat(tx.amount()).isEqualTo(-3);
        assertThat(tx.fee()).isEqualTo(Long.MAX_VALUE);
        assertThat(tx.signature()).containsExactly(9, 9);
        assertThat(tx.encode()).isEqualTo(bytes);
    }

    private static byte[] storedEncoding(String chainId, byte[] to, byte[] signature) {
        return CanonicalEncoder.tagged(STORED_TAG).writeString(chainId).writeBytes(ALICE.publicKey()).writeLong(5)
                .writeInt(77).writeBytes(to).writeLong(-3).writeLong(Long.MAX_VALUE).writeBytes(signature).toBytes();
    }
}
