package mvpos.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import mvpos.chain.Clock;
import mvpos.chain.MemoryChainStore;
import mvpos.crypto.HashDrbg;
import mvpos.node.DevChain;
import mvpos.node.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dev chain with Casper FFG: its one validator finalizes, and GET /status says how far. */
class FinalityApiTest {
    @TempDir
    Path dir;

    @Test
    void statusShowsTheJustifiedAndFinalizedCheckpointsAsTheyMove() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Clock clock = () -> now.addAndGet(1_000); // one slot per reading
        DevChain chain = DevChain.prepare(dir, 1_000, "ffg", clock, new HashDrbg(2));
        try (Node node = Node.open(chain.genesis(), new MemoryChainStore(), clock, chain.devKey(), new HashDrbg(3));
             ApiServer api = ApiServer.start(node, "127.0.0.1", 0)) {
            JsonNode before = status(api);
            assertThat(before.get("finality").asText()).isEqualTo("ffg");
            assertThat(before.get("finalized").get("epoch").asLong()).isZero();

            for (int i = 0; i < 6 * DevChain.FFG_EPOCH_SLOTS; i++) {
                node.produceNow();
            }
            JsonNode after = status(api);
            long finalized = after.get("finalized").get("epoch").asLong();
            long justified = after.get("justified").get("epoch").asLong();
            long headEpoch = node.head().header().slot() / DevChain.FFG_EPOCH_SLOTS;
            assertThat(justified).isGreaterThan(finalized);
            assertThat(finalized).isGreaterThanOrEqualTo(headEpoch - 3).isPositive();
            byte[] finalizedHash = node.finality().orElseThrow().finalized().hash();
            assertThat(after.get("finalized").get("hash").asText()).isEqualTo(mvpos.crypto.Hex.encode(finalizedHash));
        }
    }

    private static JsonNode status(ApiServer api) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
