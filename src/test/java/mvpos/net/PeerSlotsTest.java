package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One address could eclipse a node: with {@code node --home} the per-address limit equalled the total,
 * and half-open handshakes held slots, so under a flood a restarted node had no peers for 36 s. Now
 * strangers have slots of their own, few per address, half of them at most still in their handshake
 * (and only until its timeout); the peers a node dials and its configured peers always get in.
 * The limits are set small here; 127.0.0.2 and up are other hosts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PeerSlotsTest {
    private static final String CHAIN = "mvpos-test";
    private static final byte[] GENESIS = Sha256.hash("genesis".getBytes(StandardCharsets.US_ASCII));
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final List<AutoCloseable> open = new ArrayList<>();
    private long seed = 700;

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    private TcpNetwork node(TcpNetwork.Config config) throws TcpNetwork.StartException {
        TcpNetwork network = TcpNetwork.start(config, CHAIN, GENESIS, new RecordingListener(), clock::get,
                new HashDrbg(seed++));
        open.add(network);
        return network;
    }

    private RawPeer raw(String localIp, int port) throws IOException {
        RawPeer peer = new RawPeer(localIp, port);
        open.add(peer);
        return peer;
    }

    private Frame.Hello hello(int listenPort) {
        byte[] nodeId = new byte[WireFormat.NODE_ID_BYTES];
        new HashDrbg(seed++).nextBytes(nodeId);
        return new Frame.Hello(TcpNetwork.PROTOCOL_VERSION, CHAIN, GENESIS, listenPort, nodeId);
    }

    /** Strangers that completed their handshake and stay, filling the inbound slots. */
    private void fillInboundSlots(TcpNetwork target, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            assertThat(raw("127.0.0." + (2 + i / 2), target.port()).handshake(hello(41_000 + i)))
                    .isInstanceOf(Frame.Hello.class);
        }
    }

    private static PeerId dial(TcpNetwork from, TcpNetwork to) throws Exception {
        return from.connect("127.0.0.1", to.port()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void strangersFillingEveryInboundSlotCannotKeepOutTheConfiguredPeersNorTheDialedOnes() throws Exception {
        TcpNetwork configured = node(TcpNetwork.Config.defaults("127.0.0.1", 0));
        TcpNetwork dialed = node(TcpNetwork.Config.defaults("127.0.0.1", 0));
        TcpNetwork a = node(TcpNetwork.Config.defaults("127.0.0.1", 0).withConnectionLimits(4, 2)
                .withConfiguredPeers(List.of(new InetSocketAddress("127.0.0.1", configured.port()))));
        fillInboundSlots(a, 4);
        assertThat(raw("127.0.0.9", a.port()).awaitDisconnect(WAIT)).isEqualTo("too many connections (4)");
        assertThat(raw("127.0.0.2", a.port()).awaitDisconnect(WAIT)).isEqualTo("too many connections (4)");

        // A stranger from the configured peer's address is heard out, and refused at its hello...
        assertThat(raw("127.0.0.1", a.port()).handshake(hello(41_100)))
                .isEqualTo(new Frame.Disconnect("too many connections (4)"));
        // ...the configured peer itself gets in, and so does a peer the node dials.
        assertThat(dial(configured, a)).isEqualTo(new PeerId("127.0.0.1:" + a.port()));
        assertThat(dial(a, dialed)).isEqualTo(new PeerId("127.0.0.1:" + dialed.port()));
        assertThat(a.peers()).hasSize(6);
    }

    @Test
    void halfOpenConnectionsHoldHalfTheSlotsAtMostAndOnlyUntilTheHandshakeTimeout() throws Exception {
        TcpNetwork configured = node(TcpNetwork.Config.defaults("127.0.0.1", 0));
        TcpNetwork a = node(TcpNetwork.Config.defaults("127.0.0.1", 0).withConnectionLimits(4, 2)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60))
                .withConfiguredPeers(List.of(new InetSocketAddress("127.0.0.1", configured.port()))));
        List<RawPeer> silent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            silent.add(raw("127.0.0." + (2 + i), a.port())); // one address each: only the handshake limit applies
        }
        // Whatever the order they were seen in: two held a slot until the timeout, the rest were refused.
        List<String> reasons = new ArrayList<>();
        for (RawPeer peer : silent) {
            reasons.add(peer.awaitDisconnect(WAIT));
        }
        assertThat(reasons).filteredOn("no handshake within 10000 ms"::equals).hasSize(2);
        assertThat(reasons).filteredOn("too many connections in their handshake (2)"::equals).hasSize(4);

        // Their slots are free again: the configured peer, and strangers, get in.
        assertThat(dial(configured, a)).isEqualTo(new PeerId("127.0.0.1:" + a.port()));
        assertThat(raw("127.0.0.4", a.port()).handshake(hello(41_200))).isInstanceOf(Frame.Hello.class);
    }

    @Test
    void aDialedPeerIsNeverRefusedForTheInboundLimit() throws Exception {
        TcpNetwork a = node(TcpNetwork.Config.defaults("127.0.0.1", 0).withConnectionLimits(2, 2));
        fillInboundSlots(a, 2);
        List<TcpNetwork> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            others.add(node(TcpNetwork.Config.defaults("127.0.0.1", 0)));
        }
        assertThat(dial(a, others.get(0))).isEqualTo(new PeerId("127.0.0.1:" + others.get(0).port()));
        assertThat(dial(a, others.get(1))).isEqualTo(new PeerId("127.0.0.1:" + others.get(1).port()));
        assertThat(a.peers()).hasSize(4);
        // The reserved slots have a limit of their own (as many as the inbound ones).
        try {
            dial(a, others.get(2));
            throw new AssertionError("a third dial was counted");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).hasMessageEndingWith("too many outbound connections (2)");
        }
    }
}
