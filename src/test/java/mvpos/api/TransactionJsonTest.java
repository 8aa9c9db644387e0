package mvpos.api;

import mvpos.chain.TestDomain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import org.junit.jupiter.api.Test;

class TransactionJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final KeyPair ALICE = KeyPair.generate(new HashDrbg(1));
    private static final KeyPair BOB = KeyPair.generate(new HashDrbg(2));

    private static Transaction read(String json) throws Exception {
        return JSON.readValue(json, TransactionJson.class).toTransaction();
    }

    /** A slash's data travels as hex and comes back as the same signed transaction. */
    @Test
    void slashWithDataRoundTrips() throws Exception {
        Transaction slash = Transaction.sign(ALICE, TestDomain.of("c"), 0, TxKind.SLASH, BOB.address(), 0, 1, new byte[] {1, 2, 0x7f});
        String json = JSON.writeValueAsString(TransactionJson.of(slash));
        assertThat(JSON.readTree(json).path("kind").asText()).isEqualTo("slash");
        assertThat(JSON.readTree(json).path("data").asText()).isEqualTo("01027f");
        Transaction back = read(json);
        assertThat(back).isEqualTo(slash);
        assertThat(back.hasValidSignature(TestDomain.of("c"))).isTrue();
    }

    /** Clients that predate data may leave it out; an empty string is no data either. */
    @Test
    void dataMayBeLeftOut() throws Exception {
        Transaction transfer = Transaction.sign(ALICE, TestDomain.of("c"), 0, TxKind.TRANSFER, BOB.address(), 5, 1);
        ObjectNode node = JSON.valueToTree(TransactionJson.of(transfer));
        assertThat(node.path("data").asText()).isEmpty();
        node.remove("data");
        assertThat(read(node.toString())).isEqualTo(transfer);
    }

    @Test
    void badDataIsRefusedByName() throws Exception {
        ObjectNode node = JSON.valueToTree(TransactionJson.of(
                Transaction.sign(ALICE, TestDomain.of("c"), 0, TxKind.SLASH, BOB.address(), 0, 1, new byte[] {1})));
        node.put("data", "0g");
        assertThatThrownBy(() -> read(node.toString())).hasMessageContaining("\"data\" must be hex");
        node.put("data", "00".repeat(SlashingEvidence.MAX_BYTES + 1));
        assertThatThrownBy(() -> read(node.toString())).hasMessageContaining("\"data\" must be hex");
    }
}
