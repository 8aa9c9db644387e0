package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.crypto.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real TCP between {@link TcpNetwork}s (and hostile plain sockets) on 127.0.0.x, ephemeral ports. */
class TcpNetworkTest {
    private static final String CHAIN = "mvpos-test";
    private static final byte[] GENESIS = Sha256.hash("genesis".getBytes(StandardCharsets.US_ASCII));
    private static final Duration WAIT = RecordingListener.WAIT;
    private static final KeyPair ALICE = KeyPair.generate(new HashDrbg(1));
    private static final KeyPair BOB = KeyPair.generate(new HashDrbg(2));

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final List<AutoCloseable> open = new ArrayList<>();
    private long seed = 100;

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static TcpNetwork.Config config() {
        return TcpNetwork.Config.defaults("127.0.0.1", 0);
    }

    private record Node(TcpNetwork network, RecordingListener listener) {
        PeerId id() {
            return new PeerId("127.0.0.1:" + network.port());
        }
    }

    private Node node(TcpNetwork.Config config) throws TcpNetwork.StartException {
        return node(config, CHAIN, GENESIS);
    }

    private Node node(TcpNetwork.Config config, String chainId, byte[] genesis) throws TcpNetwork.StartException {
        RecordingListener listener = new RecordingListener();
        TcpNetwork network = TcpNetwork.start(config, chainId, genesis, listener, clock::get, new HashDrbg(seed++));
        open.add(network);
        return new Node(network, listener);
    }

    private RawPeer raw(String localIp, int port) throws IOException {
        RawPeer peer = new RawPeer(localIp, port);
        open.add(peer);
        return peer;
    }

    private Frame.Hello helloFromPort(int listenPort) {
        byte[] nodeId = new byte[WireFormat.NODE_ID_BYTES];
        new HashDrbg(seed++).nextBytes(nodeId);
        return new Frame.Hello(TcpNetwork.PROTOCOL_VERSION, CHAIN, GENESIS, listenPort, nodeId);
    }

    /** Connects {@code dialer} to {@code acceptor} and waits until both see the other. */
    private static void connect(Node dialer, Node acceptor) throws Exception {
        assertThat(dialer.network().connect("127.0.0.1", acceptor.network().port()).get(30, TimeUnit.SECONDS))
                .isEqualTo(acceptor.id());
        assertThat(dialer.listener().nextConnected()).isEqualTo(acceptor.id());
        assertThat(acceptor.listener().nextConnected()).isEqualTo(dialer.id());
    }

    private static String dialFailure(CompletableFuture<PeerId> dial) throws InterruptedException {
        try {
            PeerId id = dial.get(30, TimeUnit.SECONDS);
            throw new AssertionError("connected to " + id);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TcpNetwork.DialFailedException.class);
            return e.getCause().getMessage();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the dial neither succeeded nor failed in time");
        }
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        Eventually.holds(condition, WAIT, what);
    }

    private static void assertExchanges(Node a, Node b, Message message) throws InterruptedException {
        a.network().send(b.id(), message);
        assertThat(b.listener().nextMessage()).isEqualTo(new RecordingListener.Received(a.id(), message));
        b.network().send(a.id(), message);
        assertThat(a.listener().nextMessage()).isEqualTo(new RecordingListener.Received(b.id(), message));
    }

    private static Transaction transaction(long nonce) {
        return Transaction.sign(ALICE, mvpos.chain.TestDomain.of(CHAIN), nonce, TxKind.TRANSFER, BOB.address(), 5, 1);
    }

    private static Block block(long height, int transactions) {
        List<Transaction> txs = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            txs.add(transaction(i));
        }
        Header header = new Header(CHAIN, height, Sha256.hash(new byte[] {(byte) height}), 1_000 * height, height,
                ALICE.address(), Block.txRoot(txs), new byte[32], "poa", new byte[0], new byte[64]);
        return new Block(header, txs);
    }

    private static List<Message> everyMessage() {
        Vote vote = Vote.sign(ALICE, mvpos.chain.TestDomain.of(CHAIN), 0, GENESIS, 1, block(32, 0).hash());
        return List.of(new Message.NewBlock(block(1, 2)), new Message.GetBlock(block(1, 0).hash()),
                new Message.NewVote(vote), new Message.NewTransaction(transaction(3)),
                new Message.Blocks(List.of(block(1, 1), block(2, 0), block(3, 3))));
    }

    // ---------------------------------------------------------------- handshake and delivery

    @Test
    void twoNodesHandshakeAndExchangeEveryMessageBothWays() throws Exception {
        Node a = node(config());
        Node b = node(config());

        connect(b, a);

        for (Message message : everyMessage()) {
            assertExchanges(a, b, message);
        }
        assertThat(a.network().peers()).singleElement().satisfies(peer -> {
            assertThat(peer.id()).isEqualTo(b.id());
            assertThat(peer.direction()).isEqualTo(TcpNetwork.Direction.INBOUND);
            assertThat(peer.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(peer.connectedSince().toEpochMilli()).isEqualTo(clock.get());
        });
        assertThat(b.network().peers()).singleElement().satisfies(peer -> {
            assertThat(peer.id()).isEqualTo(a.id());
            assertThat(peer.direction()).isEqualTo(TcpNetwork.Direction.OUTBOUND);
            assertThat(peer.address().getPort()).isEqualTo(a.network().port());
        });
        assertThat(a.network().broadcastReachesAll()).isFalse();
        assertThat(b.network().connect("127.0.0.1", a.network().port()).get(30, TimeUnit.SECONDS))
                .as("dialing a connected peer again").isEqualTo(a.id());
    }

    @Test
    void broadcastReachesEveryConnectedPeer() throws Exception {
        Node hub = node(config());
        List<Node> spokes = List.of(node(config()), node(config()), node(config()));
        for (Node spoke : spokes) {
            connect(spoke, hub);
        }
        Message message = new Message.NewTransaction(transaction(9));

        hub.network().broadcast(message);

        for (Node spoke : spokes) {
            assertThat(spoke.listener().nextMessage()).isEqualTo(new RecordingListener.Received(hub.id(), message));
        }
        spokes.get(0).network().broadcast(message);
        assertThat(hub.listener().nextMessage()).isEqualTo(new RecordingListener.Received(spokes.get(0).id(), message));
    }

    enum Mismatch { CHAIN, GENESIS, PROTOCOL_VERSION }

    @ParameterizedTest
    @EnumSource(Mismatch.class)
    void aPeerOnAnotherChainIsToldWhyAndNothingFlows(Mismatch mismatch) throws Exception {
        Node a = node(config());
        byte[] otherGenesis = Sha256.hash("other".getBytes(StandardCharsets.US_ASCII));
        Node b = mismatched(mismatch, otherGenesis);

        String reason = dialFailure(b.network().connect("127.0.0.1", a.network().port()));

        assertThat(reason).isEqualTo(a.id() + ": refused by the peer: " + switch (mismatch) {
            case CHAIN -> "expected chain 'mvpos-test', not 'other-chain'";
            case GENESIS -> "expected genesis " + mvpos.crypto.Hex.encode(GENESIS) + ", not "
                    + mvpos.crypto.Hex.encode(otherGenesis);
            case PROTOCOL_VERSION -> "expected protocol version 1, not 2";
        });
        a.network().broadcast(everyMessage().get(0));
        b.network().broadcast(everyMessage().get(0));
        b.network().send(a.id(), everyMessage().get(0));
        // Instead of waiting a while for nothing: a friend of each (same chain, genesis and version) connects
        // and sends a message after all that. Each node handles its connections on one loop, so a
        // connection or message left over from the refused one would come before its friend's.
        Node friendOfA = node(config());
        Node friendOfB = mismatched(mismatch, otherGenesis);
        connect(friendOfA, a);
        connect(friendOfB, b);
        assertExchanges(friendOfA, a, everyMessage().get(1));
        assertExchanges(friendOfB, b, everyMessage().get(1));
        assertThat(a.network().connectedPeers()).containsExactly(friendOfA.id());
        assertThat(b.network().connectedPeers()).containsExactly(friendOfB.id());
        assertThat(a.listener().connected).isEmpty();
        assertThat(b.listener().connected).isEmpty();
        assertThat(a.listener().messages).isEmpty();
        assertThat(b.listener().messages).isEmpty();
    }

    private Node mismatched(Mismatch mismatch, byte[] otherGenesis) throws TcpNetwork.StartException {
        return switch (mismatch) {
            case CHAIN -> node(config(), "other-chain", GENESIS);
            case GENESIS -> node(config(), CHAIN, otherGenesis);
            case PROTOCOL_VERSION -> node(config().withProtocolVersion(TcpNetwork.PROTOCOL_VERSION + 1));
        };
    }

    @Test
    void aNodeRefusesItselfAndASecondConnectionToTheSameNode() throws Exception {
        Node a = node(config().withConnectionLimits(50, 10));

        assertThat(dialFailure(a.network().connect("127.0.0.1", a.network().port())))
                .endsWith("refused by the peer: connected to itself");

        RawPeer twin = raw("127.0.0.1", a.network().port());
        Frame.Hello hello = helloFromPort(40_000);
        assertThat(twin.handshake(hello)).isInstanceOf(Frame.Hello.class);
        RawPeer sameNodeAgain = raw("127.0.0.1", a.network().port());
        assertThat(sameNodeAgain.handshake(hello)).isEqualTo(new Frame.Disconnect("already connected"));
        RawPeer sameNodeOtherAddress = raw("127.0.0.2", a.network().port());
        assertThat(sameNodeOtherAddress.handshake(hello))
                .isEqualTo(new Frame.Disconnect("already connected as 127.0.0.1:40000"));
        RawPeer sameIdOtherNode = raw("127.0.0.1", a.network().port());
        assertThat(sameIdOtherNode.handshake(helloFromPort(40_000)))
                .isEqualTo(new Frame.Disconnect("another node is connected as 127.0.0.1:40000"));
        assertThat(a.network().peers()).hasSize(1);
    }

    @Test
    void twoNodesDialingEachOtherAtOnceKeepOneConnection() throws Exception {
        for (int round = 0; round < 5; round++) {
            Node a = node(config());
            Node b = node(config());

            CompletableFuture<PeerId> ab = a.network().connect("127.0.0.1", b.network().port());
            CompletableFuture<PeerId> ba = b.network().connect("127.0.0.1", a.network().port());
            CompletableFuture.allOf(ab, ba).handle((ok, failed) -> null).get(30, TimeUnit.SECONDS);

            eventually(() -> a.network().peers().size() == 1 && b.network().peers().size() == 1
                    && a.network().peers().get(0).direction() != b.network().peers().get(0).direction(),
                    "one connection between the two");
            // Both dials have ended, so both handshakes were decided; after a round trip through both
            // nodes' loops, the losing connection is not (or no longer) a peer on either side.
            assertExchanges(a, b, new Message.NewTransaction(transaction(round)));
            assertThat(a.network().peers()).hasSize(1);
            assertThat(b.network().peers()).hasSize(1);
            assertThat(a.network().peers().get(0).direction()).isNotEqualTo(b.network().peers().get(0).direction());
            a.network().close();
            b.network().close();
        }
    }

    // ---------------------------------------------------------------- hostile peers

    @Test
    void garbageBytesDropThePeerWhileAnHonestPeerOnItsAddressKeepsExchanging() throws Exception {
        Node a = node(config());
        Node honest = node(config());
        connect(honest, a);

        RawPeer http = raw("127.0.0.1", a.network().port());
        http.sendRaw("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(http.awaitDisconnect(WAIT)).isEqualTo("dropped: a frame over 4194304 bytes");

        // An honest peer is connected from 127.0.0.1: the address is not banned for another connection's sins.
        assertThat(raw("127.0.0.1", a.network().port()).handshake(helloFromPort(40_020))).isInstanceOf(Frame.Hello.class);

        for (Message message : everyMessage()) {
            assertExchanges(a, honest, message);
        }
        assertThat(a.network().peers()).extracting(TcpNetwork.PeerInfo::id).contains(honest.id());
    }

    @Test
    void aFrameThatDoesNotDecodeGetsThePeerBanned() throws Exception {
        Node a = node(config());
        RawPeer peer = raw("127.0.0.2", a.network().port());
        assertThat(peer.handshake(helloFromPort(40_001))).isInstanceOf(Frame.Hello.class);
        eventually(() -> a.network().peers().size() == 1, "connected");

        byte[] junk = {0x7f, 1, 2, 3, 4, 5, 6, 7};
        peer.sendRaw(ByteBuffer.allocate(4 + junk.length).putInt(junk.length).put(junk).array());

        assertThat(peer.awaitDisconnect(WAIT)).isEqualTo("banned: malformed frame: unknown frame type 0x7f");
        assertThat(a.listener().nextDisconnected())
                .isEqualTo(new RecordingListener.Disconnected(new PeerId("127.0.0.2:40001"),
                        "banned: malformed frame: unknown frame type 0x7f"));
        assertThat(raw("127.0.0.2", a.network().port()).awaitDisconnect(WAIT)).contains("is banned");
        assertThat(raw("127.0.0.3", a.network().port()).handshake(helloFromPort(40_001)))
                .as("another address is not banned").isInstanceOf(Frame.Hello.class);
    }

    @Test
    void aMessageBeforeTheHandshakeGetsThePeerBanned() throws Exception {
        Node a = node(config());
        RawPeer peer = raw("127.0.0.1", a.network().port());

        peer.send(new Frame.Payload(everyMessage().get(3)));

        assertThat(peer.awaitDisconnect(WAIT)).isEqualTo("banned: a message before the handshake");
        assertThat(a.listener().messages).isEmpty();
    }

    @Test
    void anOversizeFrameDropsThePeer() throws Exception {
        Node a = node(config().withMaxFrameBytes(64 * 1024));
        Node b = node(config().withMaxFrameBytes(64 * 1024));
        connect(b, a);
        RawPeer peer = raw("127.0.0.2", a.network().port());
        assertThat(peer.handshake(helloFromPort(40_002))).isInstanceOf(Frame.Hello.class);

        peer.sendRaw(ByteBuffer.allocate(4 + 1000).putInt(64 * 1024 + 1).array());

        assertThat(peer.awaitDisconnect(WAIT)).isEqualTo("banned: a frame over 65536 bytes");

        Message tooBig = new Message.NewBlock(block(7, 400));
        assertThat(WireFormat.encode(tooBig).length).isGreaterThan(64 * 1024);
        a.network().send(b.id(), tooBig); // not sent: b would ban a for it
        Message small = new Message.NewTransaction(transaction(1));
        a.network().send(b.id(), small);
        assertThat(b.listener().nextMessage()).isEqualTo(new RecordingListener.Received(a.id(), small));
        assertThat(b.network().peers()).hasSize(1);
    }

    @Test
    void aSocketThatNeverSaysHelloIsClosedAfterTheHandshakeTimeout() throws Exception {
        Node a = node(config().withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(60)));
        RawPeer silent = raw("127.0.0.1", a.network().port());
        long start = System.nanoTime();

        assertThat(silent.awaitDisconnect(WAIT)).isEqualTo("no handshake within 300 ms");

        // Not before the timeout (a slow machine only makes it later).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        // A slow peer is not banned: a later peer from the same address still gets a handshake. That peer
        // has 300 ms too, which a loaded machine may miss; a miss says "no handshake within", a ban says
        // so, so only a miss is tried again.
        Object answer = null;
        for (int attempt = 0; attempt < 20 && !(answer instanceof Frame.Hello); attempt++) {
            answer = raw("127.0.0.1", a.network().port()).handshake(helloFromPort(40_003));
            if (answer instanceof Frame.Disconnect(String reason)) {
                assertThat(reason).as("a slow peer is not banned").startsWith("no handshake within");
            }
        }
        assertThat(answer).as("a slow peer is not banned").isInstanceOf(Frame.Hello.class);
    }

    @Test
    void aDialedPeerThatNeverAnswersFailsTheDialAfterTheHandshakeTimeout() throws Exception {
        Node a = node(config().withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(60)));
        try (ServerSocket mute = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<PeerId> dial = a.network().connect("127.0.0.1", mute.getLocalPort());
            try (Socket accepted = mute.accept()) {
                assertThat(dialFailure(dial)).isEqualTo("127.0.0.1:" + mute.getLocalPort()
                        + ": no handshake within 300 ms");
            }
        }
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            closedPort = gone.getLocalPort();
        }
        assertThat(dialFailure(a.network().connect("127.0.0.1", closedPort))).startsWith("cannot connect to");
    }

    @Test
    void idlePeersStayThanksToPingsAndSilentOnesAreClosed() throws Exception {
        // Pings every 1.2 s against a 2.4 s timeout: the honest link survives any stall under 1.2 s. The
        // verdict waits on events, never on the clock: a silent peer connected after the first one is
        // closed (so a whole idle timeout passed with only pings between a and b), then the link is checked.
        TcpNetwork.Config quick = config().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(2400));
        Node a = node(quick);
        Node b = node(quick);
        connect(b, a);
        RawPeer silent = raw("127.0.0.2", a.network().port());
        assertThat(silent.handshake(helloFromPort(40_004))).isInstanceOf(Frame.Hello.class);
        assertThat(silent.awaitDisconnect(WAIT)).isEqualTo("silent for 2400 ms");

        RawPeer later = raw("127.0.0.3", a.network().port());
        assertThat(later.handshake(helloFromPort(40_005))).isInstanceOf(Frame.Hello.class);
        assertThat(later.awaitDisconnect(WAIT)).isEqualTo("silent for 2400 ms");
        assertThat(a.network().peers()).extracting(TcpNetwork.PeerInfo::id).containsExactly(b.id());
        assertThat(b.listener().disconnected).isEmpty();
        assertExchanges(a, b, new Message.NewTransaction(transaction(4)));
    }

    // ---------------------------------------------------------------- limits and bans

    @Test
    void connectionsOverTheLimitPerAddressAreRefused() throws Exception {
        Node a = node(config().withConnectionLimits(50, 2));
        RawPeer first = raw("127.0.0.2", a.network().port());
        assertThat(first.handshake(helloFromPort(40_010))).isInstanceOf(Frame.Hello.class);
        assertThat(raw("127.0.0.2", a.network().port()).handshake(helloFromPort(40_011)))
                .isInstanceOf(Frame.Hello.class);

        assertThat(raw("127.0.0.2", a.network().port()).awaitDisconnect(WAIT))
                .isEqualTo("too many connections from 127.0.0.2 (2)");
        assertThat(raw("127.0.0.3", a.network().port()).handshake(helloFromPort(40_005)))
                .as("another address").isInstanceOf(Frame.Hello.class);

        first.close();
        eventually(() -> {
            try (RawPeer again = new RawPeer("127.0.0.2", a.network().port())) {
                return again.handshake(helloFromPort(40_006)) instanceof Frame.Hello;
            } catch (IOException e) {
                return false; // refused and reset before the hello was written
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "a freed slot accepted");
    }

    @Test
    void inboundConnectionsOverTheTotalLimitAreRefusedAndDialedOnesAreNot() throws Exception {
        Node a = node(config().withConnectionLimits(2, 50));
        Node b = node(config());
        assertThat(raw("127.0.0.2", a.network().port()).handshake(helloFromPort(40_012)))
                .isInstanceOf(Frame.Hello.class);
        assertThat(raw("127.0.0.3", a.network().port()).handshake(helloFromPort(40_013)))
                .isInstanceOf(Frame.Hello.class);

        assertThat(raw("127.0.0.4", a.network().port()).awaitDisconnect(WAIT)).isEqualTo("too many connections (2)");
        assertThat(dialFailure(b.network().connect("127.0.0.1", a.network().port())))
                .isEqualTo(a.id() + ": refused by the peer: too many connections (2)");
        // The peers a node dials have slots of their own: strangers filling the inbound ones cannot stop it.
        assertThat(a.network().connect("127.0.0.1", b.network().port()).get(30, TimeUnit.SECONDS)).isEqualTo(b.id());
    }

    @Test
    void penaltiesUpToTheBanScoreBanThePeerUntilTheClockPassesTheBan() throws Exception {
        Node a = node(config());
        Node b = node(config());
        connect(b, a);

        for (int i = 0; i < 3; i++) {
            a.network().penalize(b.id(), "invalid block");
        }
        assertExchanges(a, b, new Message.NewTransaction(transaction(1)));
        assertThat(a.network().peers()).hasSize(1);
        a.network().penalize(b.id(), "invalid block");

        assertThat(a.listener().nextDisconnected())
                .isEqualTo(new RecordingListener.Disconnected(b.id(), "banned: invalid block"));
        assertThat(b.listener().nextDisconnected())
                .isEqualTo(new RecordingListener.Disconnected(a.id(), "disconnected by the peer: banned: invalid block"));
        assertThat(dialFailure(b.network().connect("127.0.0.1", a.network().port())))
                .isEqualTo(a.id() + ": refused by the peer: 127.0.0.1 is banned for another 600 s");
        assertThat(dialFailure(a.network().connect("127.0.0.1", b.network().port())))
                .isEqualTo(b.id() + ": 127.0.0.1 is banned for another 600 s");

        clock.addAndGet(Duration.ofMinutes(10).toMillis() - 1);
        assertThat(dialFailure(b.network().connect("127.0.0.1", a.network().port()))).contains("banned");
        clock.addAndGet(1);
        connect(b, a);
        assertExchanges(a, b, new Message.NewTransaction(transaction(2)));
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void closingSaysGoodbyeAndATakenPortIsAOneLineStartError() throws Exception {
        Node a = node(config());
        Node b = node(config());
        connect(b, a);

        assertThatThrownBy(() -> node(TcpNetwork.Config.defaults("127.0.0.1", a.network().port())))
                .isInstanceOf(TcpNetwork.StartException.class)
                .hasMessageStartingWith("cannot listen for peers on 127.0.0.1:" + a.network().port() + ": ")
                .hasMessageNotContaining("\n");

        a.network().close();

        assertThat(b.listener().nextDisconnected()).isEqualTo(
                new RecordingListener.Disconnected(a.id(), "disconnected by the peer: the node is shutting down"));
        assertThat(a.listener().disconnected).isEmpty();
        assertThat(dialFailure(a.network().connect("127.0.0.1", b.network().port())))
                .isEqualTo("the network is closed");
    }
}
