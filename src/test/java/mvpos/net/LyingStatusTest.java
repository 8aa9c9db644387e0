package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mvpos.api.ApiServer;
import mvpos.chain.Genesis;
import mvpos.chain.MemoryChainStore;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.node.Node;
import mvpos.node.SystemClock;
import mvpos.node.TestnetGenesis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer whose Status claims height 2^62 and which sends no block: before, {@code /status} said
 * {@code syncing: true} at that height for ever, even after the peer left. Now the claim lasts until
 * the blocks asked for fail to come, and not at all once the peer is gone.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LyingStatusTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long LIE = 1L << 62;
    private final List<AutoCloseable> open = new ArrayList<>();
    private Node node;
    private P2pNode p2p;
    private ApiServer api;

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    private void startNode() throws Exception {
        KeyPair validator = KeyPair.generate(new HashDrbg(1));
        Genesis genesis = TestnetGenesis.of("poa", List.of(validator), SystemClock.INSTANCE.millis(), 1_000, "none", 4);
        node = Node.open(genesis, new MemoryChainStore(), SystemClock.INSTANCE, null, new HashDrbg(2));
        open.add(node);
        p2p = P2pNode.start(node, TcpNetwork.Config.defaults("127.0.0.1", 0), List.of(), SystemClock.INSTANCE,
                new HashDrbg(3), 1);
        open.add(p2p);
        p2p.startProducing(20); // not a validator: its ticks only watch the sync
        api = ApiServer.start(node, p2p, "127.0.0.1", 0);
        open.add(api::close);
    }

    private RawPeer liar() throws Exception {
        RawPeer peer = new RawPeer("127.0.0.2", p2p.network().port());
        open.add(peer);
        byte[] nodeId = new byte[WireFormat.NODE_ID_BYTES];
        new HashDrbg(9).nextBytes(nodeId);
        assertThat(peer.handshake(new Frame.Hello(TcpNetwork.PROTOCOL_VERSION, node.genesis().chainId(),
                node.blockAt(0).orElseThrow().hash(), 40_000, nodeId))).isInstanceOf(Frame.Hello.class);
        byte[] unknownHead = new byte[32];
        new HashDrbg(10).nextBytes(unknownHead);
        peer.send(new Frame.Payload(new Message.Status(LIE, unknownHead)));
        return peer;
    }

    /** Waits until the node has asked the liar for the blocks its claim promises (it believed it). */
    private static void awaitRequestForBlocks(RawPeer peer) throws InterruptedException {
        while (true) {
            Object next = peer.next(WAIT);
            if (next instanceof Frame.Payload(Message.GetBlocks get)) {
                assertThat(get.fromHeight()).isEqualTo(1);
                return;
            }
            assertThat(next).as("the connection is still open").isNotSameAs(RawPeer.CLOSED);
        }
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void aClaimWhoseBlocksNeverComeStopsCountingWhileThePeerStays() throws Exception {
        startNode();
        RawPeer liar = liar();
        awaitRequestForBlocks(liar);

        Eventually.holds(() -> p2p.highestPeerHeight() < LIE, WAIT, "the claim refuted");
        JsonNode status = status();
        assertThat(status.path("highestPeerHeight").asLong()).isLessThanOrEqualTo(node.head().height());
        assertThat(status.path("syncing").asBoolean()).isFalse();
        assertThat(p2p.network().peers()).as("the liar is still connected").hasSize(1);
    }

    @Test
    void aClaimIsForgottenWhenThePeerLeaves() throws Exception {
        startNode();
        RawPeer liar = liar();
        awaitRequestForBlocks(liar);
        liar.close();

        Eventually.holds(() -> p2p.network().peers().isEmpty(), WAIT, "the liar gone");
        Eventually.holds(() -> p2p.highestPeerHeight() == 0, WAIT, "its claim forgotten");
        assertThat(status().path("syncing").asBoolean()).isFalse();
    }
}
