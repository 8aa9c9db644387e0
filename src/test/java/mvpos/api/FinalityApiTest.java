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
            assertThat(after.get("participation").asDouble()).isEqualTo(1.0);
            assertThat(after.get("finalityStalled").asBoolean()).isFalse();
            assertThat(after.get("inactivityLeak").asBoolean()).isFalse();
            assertThat(after.get("dynasty").asLong()).isPositive();
        }
    }

    @Test
    void anAccountShowsItsUnbondingTokensAndWhenTheyAreReleased() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Clock clock = () -> now.addAndGet(1_000);
        DevChain chain = DevChain.prepare(dir, 1_000, "ffg", clock, new HashDrbg(4));
        try (Node node = Node.open(chain.genesis(), new MemoryChainStore(), clock, chain.devKey(), new HashDrbg(5));
             ApiServer api = ApiServer.start(node, "127.0.0.1", 0)) {
            mvpos.chain.ChainDomain domain = mvpos.state.GenesisState.of(chain.genesis()).domain();
            // A small part of the only validator's stake: the rest keeps finalizing.
            node.submit(mvpos.chain.Transaction.sign(chain.devKey(), domain, 0, mvpos.chain.TxKind.UNSTAKE, null,
                    DevChain.DEV_STAKE / 100, 1));
            node.produceNow();
            String path = "/accounts/" + chain.devKey().address();
            JsonNode locked = get(api, path);
            assertThat(locked.get("unbonding").asLong()).isEqualTo(DevChain.DEV_STAKE / 100);
            assertThat(locked.get("release").get("releasable").asBoolean()).isFalse();
            long after = locked.get("release").get("afterFinalizedEpoch").asLong();
            assertThat(after).isGreaterThanOrEqualTo(mvpos.state.FfgConstants.MIN_VALIDATOR_WITHDRAWABILITY_DELAY);
            boolean released = false;
            for (int i = 0; i < 40 * DevChain.FFG_EPOCH_SLOTS && !released; i++) {
                node.produceNow(); // its block reward touches the account: a release shows at once
                released = get(api, path).get("unbonding").asLong() == 0;
            }
            assertThat(released).as("released once the delay passed and no dynasty counts it").isTrue();
            assertThat(node.finality().orElseThrow().finalized().epoch()).isGreaterThanOrEqualTo(after);
        }
    }

    private static JsonNode get(ApiServer api, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private static JsonNode status(ApiServer api) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
