package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On a loopback or NAT testnet every peer shares an address: before, one malformed frame from
 * 127.0.0.1 banned 127.0.0.1 both ways for 600 s, and restarted honest nodes could not reconnect.
 * Now a peer is scored and banned by its node identity; its address only when no honest peer is known
 * there, and never a configured peer's. Real TCP peers on 127.0.0.x.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PeerBanByIdentityTest {
    private static final String CHAIN = "mvpos-test";
    private static final byte[] GENESIS = Sha256.hash("genesis".getBytes(StandardCharsets.US_ASCII));
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] JUNK = {0x7f, 1, 2, 3};

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final List<AutoCloseable> open = new ArrayList<>();
    private long seed = 500;

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    private record Node(TcpNetwork network, RecordingListener listener) {
        PeerId id() {
            return new PeerId("127.0.0.1:" + network.port());
        }
    }

    private Node node(TcpNetwork.Config config) throws TcpNetwork.StartException {
        RecordingListener listener = new RecordingListener();
        TcpNetwork network = TcpNetwork.start(config, CHAIN, GENESIS, listener, clock::get, new HashDrbg(seed++));
        open.add(network);
        return new Node(network, listener);
    }

    private RawPeer raw(String localIp, int port) throws IOException {
        RawPeer peer = new RawPeer(localIp, port);
        open.add(peer);
        return peer;
    }

    private static byte[] nodeId(long seed) {
        byte[] id = new byte[WireFormat.NODE_ID_BYTES];
        new HashDrbg(seed).nextBytes(id);
        return id;
    }

    private static Frame.Hello hello(int listenPort, byte[] nodeId) {
        return new Frame.Hello(TcpNetwork.PROTOCOL_VERSION, CHAIN, GENESIS, listenPort, nodeId);
    }

    private static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static void connect(Node dialer, Node acceptor) throws Exception {
        assertThat(dialer.network().connect("127.0.0.1", acceptor.network().port()).get(10, TimeUnit.SECONDS))
                .isEqualTo(acceptor.id());
    }

    @Test
    void aBadFrameOnASharedLoopbackAddressBansTheNodeNotTheAddress() throws Exception {
        Node b = node(TcpNetwork.Config.defaults("127.0.0.1", 0));
        int bPort = b.network().port();
        Node a = node(TcpNetwork.Config.defaults("127.0.0.1", 0)
                .withConfiguredPeers(List.of(new InetSocketAddress("127.0.0.1", bPort))));
        connect(a, b);

        byte[] badNode = nodeId(1);
        RawPeer bad = raw("127.0.0.1", a.network().port());
        assertThat(bad.handshake(hello(40_001, badNode))).isInstanceOf(Frame.Hello.class);
        bad.sendRaw(framed(JUNK));
        assertThat(bad.awaitDisconnect(WAIT)).isEqualTo("banned: malformed frame: unknown frame type 0x7f");

        // The node is refused, whatever port it claims; 127.0.0.1 is not.
        assertThat(raw("127.0.0.1", a.network().port()).handshake(hello(40_002, badNode)))
                .isInstanceOf(Frame.Disconnect.class).extracting(f -> ((Frame.Disconnect) f).reason()).asString()
                .matches("node [0-9a-f]{16} is banned for another 600 s");
        assertThat(raw("127.0.0.1", a.network().port()).handshake(hello(40_003, nodeId(2))))
                .as("another node on the same address").isInstanceOf(Frame.Hello.class);

        // The configured peer restarts (a new node identity, the same address and port): both ways work.
        b.network().close();
        Eventually.holds(() -> a.network().peers().stream().noneMatch(p -> p.id().name().endsWith(":" + bPort)),
                WAIT, "b gone");
        Node restarted = node(TcpNetwork.Config.defaults("127.0.0.1", bPort));
        connect(restarted, a);
        assertThat(a.network().peers()).extracting(TcpNetwork.PeerInfo::id).contains(restarted.id());
    }

    @Test
    void garbageBeforeTheHelloFromAConfiguredPeersAddressDropsTheConnectionAndBansNothing() throws Exception {
        Node b = node(TcpNetwork.Config.defaults("127.0.0.1", 0));
        Node a = node(TcpNetwork.Config.defaults("127.0.0.1", 0)
                .withConfiguredPeers(List.of(new InetSocketAddress("127.0.0.1", b.network().port()))));

        RawPeer bad = raw("127.0.0.1", a.network().port());
        bad.sendRaw(framed(JUNK));
        assertThat(bad.awaitDisconnect(WAIT)).isEqualTo("dropped: malformed frame: unknown frame type 0x7f");

        connect(b, a); // the configured peer, from the same address, after the bad connection
        connect(a, b);
        assertThat(a.network().peers()).extracting(TcpNetwork.PeerInfo::id).containsExactly(b.id());
    }

    @Test
    void peersSharingAnAddressAreScoredApartAndAScoreSurvivesAReconnection() throws Exception {
        Node a = node(TcpNetwork.Config.defaults("127.0.0.1", 0));
        byte[] offender = nodeId(3);
        RawPeer honest = raw("127.0.0.2", a.network().port());
        assertThat(honest.handshake(hello(40_010, nodeId(4)))).isInstanceOf(Frame.Hello.class);
        RawPeer first = raw("127.0.0.2", a.network().port());
        assertThat(first.handshake(hello(40_011, offender))).isInstanceOf(Frame.Hello.class);
        PeerId offenderId = new PeerId("127.0.0.2:40011");
        Eventually.holds(() -> a.network().peers().size() == 2, WAIT, "both connected");

        for (int i = 0; i < 3; i++) {
            a.network().penalize(offenderId, "invalid block");
        }
        first.close();
        Eventually.holds(() -> a.network().peers().size() == 1, WAIT, "the offender gone");
        RawPeer again = raw("127.0.0.2", a.network().port());
        assertThat(again.handshake(hello(40_011, offender))).isInstanceOf(Frame.Hello.class);
        Eventually.holds(() -> a.network().peers().size() == 2, WAIT, "the offender back");

        a.network().penalize(offenderId, "invalid block"); // its fourth: the score followed its identity
        assertThat(again.awaitDisconnect(WAIT)).isEqualTo("banned: invalid block");
        // Its address is shared with a peer in good standing: that peer stays, and newcomers from it are welcome.
        assertThat(a.network().peers()).extracting(TcpNetwork.PeerInfo::id).containsExactly(new PeerId("127.0.0.2:40010"));
        assertThat(raw("127.0.0.2", a.network().port()).handshake(hello(40_012, nodeId(5)))).isInstanceOf(Frame.Hello.class);
        assertThat(raw("127.0.0.2", a.network().port()).handshake(hello(40_013, offender)))
                .isInstanceOf(Frame.Disconnect.class);

        // The ban ends with the clock.
        clock.addAndGet(TcpNetwork.Config.DEFAULT_BAN_DURATION.toMillis());
        assertThat(raw("127.0.0.2", a.network().port()).handshake(hello(40_014, offender))).isInstanceOf(Frame.Hello.class);
    }
}
