package mvpos.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import mvpos.chain.Clock;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.node.DevChain;
import mvpos.node.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or careless HTTP client gets from a node's API: a JSON error that names the problem,
 * never an HTML page or a stack trace, and a body over the limit refused as too large however it is
 * framed.
 */
@Timeout(60)
class ApiBadInputTest {
    @TempDir
    Path dir;
    private Node node;
    private ApiServer api;
    private DevChain chain;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Clock clock = () -> now.addAndGet(1_000);
        chain = DevChain.prepare(dir, 1_000, clock, new HashDrbg(2));
        node = Node.open(chain.genesis(), new MemoryChainStore(), clock, chain.devKey(), new HashDrbg(3));
        api = ApiServer.start(node, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        api.close();
        node.close();
    }

    private RawHttp.Response post(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(api.port(), "POST /transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + "application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n", bytes);
    }

    private ObjectNode validTransfer() throws Exception {
        KeyPair bob = KeyPair.generate(new HashDrbg(9));
        Transaction tx = Transaction.sign(chain.devKey(), mvpos.state.GenesisState.of(chain.genesis()).domain(), 0, TxKind.TRANSFER, bob.address(),
                5, 1, new byte[0]);
        return (ObjectNode) json.valueToTree(TransactionJson.of(tx));
    }

    @Test
    void aChunkedBodyOverTheLimitIsTooLargeNotMalformed() throws Exception {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        byte[] piece = ("[" + "1,".repeat(4000)).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i * piece.length <= ApiServer.MAX_BODY_BYTES; i++) {
            chunks.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunks.write(piece);
            chunks.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunks.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        RawHttp.Response response = RawHttp.exchange(api.port(), "POST /transactions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                chunks.toByteArray());
        assertThat(response.status()).isEqualTo(413);
        assertThat(json.readTree(response.body()).get("error").asText()).contains("larger than");
    }

    @Test
    void aUriOrHeadersTooLongAreAnsweredInJson() throws Exception {
        RawHttp.Response uri = RawHttp.exchange(api.port(), "GET /blocks/" + "1".repeat(20_000)
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", new byte[0]);
        assertThat(uri.status()).isEqualTo(414);
        assertThat(uri.headers().toLowerCase()).contains("content-type: application/json");
        assertThat(json.readTree(uri.body()).get("error").asText()).isEqualTo("request URI too long");

        RawHttp.Response headers = RawHttp.exchange(api.port(), "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n", new byte[0]);
        assertThat(headers.status()).isEqualTo(431);
        assertThat(headers.headers().toLowerCase()).contains("content-type: application/json");
        assertThat(json.readTree(headers.body()).get("error").asText()).isEqualTo("request headers too large");
    }

    @Test
    void numbersAsStringsFractionsAndDuplicateKeysAreRefusedNamingTheField() throws Exception {
        ObjectNode valid = validTransfer();

        ObjectNode quoted = valid.deepCopy();
        quoted.put("nonce", "0");
        RawHttp.Response string = post(quoted.toString());
        assertThat(string.status()).isEqualTo(400);
        assertThat(json.readTree(string.body()).get("error").asText()).contains("\"nonce\"").contains("whole number");

        ObjectNode fraction = valid.deepCopy();
        fraction.put("amount", 1.5);
        RawHttp.Response fractional = post(fraction.toString());
        assertThat(fractional.status()).isEqualTo(400);
        assertThat(json.readTree(fractional.body()).get("error").asText()).contains("\"amount\"");

        String duplicated = valid.toString().replaceFirst("\\{", "{\"fee\":1000,");
        RawHttp.Response duplicate = post(duplicated);
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(json.readTree(duplicate.body()).get("error").asText()).contains("duplicate key \"fee\"");

        ObjectNode numericKind = valid.deepCopy();
        numericKind.put("kind", 1);
        assertThat(post(numericKind.toString()).status()).isEqualTo(400);

        assertThat(node.pendingTransactions()).as("nothing refused reached the mempool").isZero();
        assertThat(post(valid.toString()).status()).as("the same transaction, well formed").isEqualTo(202);
    }

    @Test
    void theExplorerAnswersUnknownThingsWith404AndBrowsersWithAnEscapedPage() throws Exception {
        RawHttp.Response unknown = RawHttp.exchange(api.port(), "GET /explorer/block/" + "ab".repeat(32)
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", new byte[0]);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("error").asText()).startsWith("no known block");

        RawHttp.Response malformed = RawHttp.exchange(api.port(), "GET /explorer/account/%3Cscript%3E"
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", new byte[0]);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.headers().toLowerCase()).contains("application/json");

        RawHttp.Response page = RawHttp.exchange(api.port(), "GET /nothing/%3Cscript%3Ealert(1)%3C/script%3E"
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nConnection: close\r\n\r\n", new byte[0]);
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");

        RawHttp.Response api404 = RawHttp.exchange(api.port(), "GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n", new byte[0]);
        assertThat(json.readTree(api404.body()).get("error").asText()).isEqualTo("no such endpoint: GET /nothing");
    }
}
