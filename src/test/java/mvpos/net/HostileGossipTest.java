package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.MemoryChainStore;
import mvpos.chain.Transaction;
import mvpos.chain.TxKind;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.node.Node;
import mvpos.node.PeerAddress;
import mvpos.node.SystemClock;
import mvpos.node.TestnetGenesis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile peers at a node that follows a producer over TCP: one replays the same block and transaction
 * thousands of times, one sends forged transactions and votes. The node hands the first to its chain
 * once and relays it once, bans both, and goes on following the producer and serving its honest peers.
 */
class HostileGossipTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        Eventually.holds(condition, WAIT, what);
    }

    private static RawPeer peerOf(Node node, P2pNode p2p, String localIp, int listenPort) throws Exception {
        RawPeer peer = new RawPeer(localIp, p2p.network().port());
        byte[] nodeId = new byte[WireFormat.NODE_ID_BYTES];
        new HashDrbg(listenPort).nextBytes(nodeId);
        Object answer = peer.handshake(new Frame.Hello(TcpNetwork.PROTOCOL_VERSION, node.genesis().chainId(),
                node.blockAt(0).orElseThrow().hash(), listenPort, nodeId));
        assertThat(answer).isInstanceOf(Frame.Hello.class);
        return peer;
    }

    /** The reason of the farewell the peer gets, after whatever the node sent before it (status, blocks). */
    private static String disconnectReason(RawPeer peer) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Object next = peer.next(WAIT);
            if (next instanceof Frame.Disconnect disconnect) {
                return disconnect.reason();
            }
            assertThat(next).as("the connection closed without a farewell").isNotSameAs(RawPeer.CLOSED);
        }
        throw new AssertionError("no farewell within " + WAIT);
    }

    private final KeyPair producerKey = KeyPair.generate(new HashDrbg(1));
    private final KeyPair bob = KeyPair.generate(new HashDrbg(2));
    private Genesis genesis;
    private Node producer;
    private P2pNode producerNet;
    private Node follower;
    private P2pNode followerNet;

    /** A producer (poa, a block every 100 ms, FFG epochs of 4) and a follower connected to it. */
    private void producerAndFollower(String finality) throws Exception {
        genesis = TestnetGenesis.of("poa", List.of(producerKey), SystemClock.INSTANCE.millis(), 100, finality, 4);
        producer = keep(Node.open(genesis, new MemoryChainStore(), SystemClock.INSTANCE, producerKey, new HashDrbg(3)));
        producerNet = keep(P2pNode.start(producer, TcpNetwork.Config.defaults("127.0.0.1", 0), List.of(),
                SystemClock.INSTANCE, new HashDrbg(4), 1));
        follower = keep(Node.open(genesis, new MemoryChainStore(), SystemClock.INSTANCE, null, new HashDrbg(5)));
        followerNet = keep(P2pNode.start(follower, TcpNetwork.Config.defaults("127.0.0.1", 0),
                List.of(new PeerAddress("127.0.0.1", producerNet.network().port())), SystemClock.INSTANCE,
                new HashDrbg(6), 1));
        producerNet.startProducing(20);
        eventually(() -> follower.head().height() >= 3, "following the producer");
    }

    @Test
    void forgedTransactionsAndVotesGetThePeerBannedWhileTheNodeKeepsFollowing() throws Exception {
        producerAndFollower("ffg");
        RawPeer forger = keep(peerOf(follower, followerNet, "127.0.0.2", 40_002));
        byte[] someoneElses = Transaction.sign(bob, mvpos.state.GenesisState.of(genesis).domain(), 0, TxKind.TRANSFER, bob.address(), 1, 1)
                .signature();
        byte[] target = follower.blockAt(2).orElseThrow().hash();
        for (int i = 0; i < 4; i++) {
            // Each different (so not a repeat), each signed by someone else than its sender or voter.
            forger.send(new Frame.Payload(i % 2 == 0
                    ? new Message.NewTransaction(new Transaction(genesis.chainId(), producerKey.publicKey(), i,
                            TxKind.TRANSFER.code(), bob.address(), 5, 1, someoneElses))
                    : new Message.NewVote(new Vote(genesis.chainId(), producerKey.publicKey(), 0,
                            follower.blockAt(0).orElseThrow().hash(), i, target, someoneElses))));
        }
        assertThat(disconnectReason(forger)).startsWith("banned: sent a forged vote: the vote's signature is invalid");
        long heightAtBan = producer.head().height();
        eventually(() -> producer.head().height() >= heightAtBan + 5 && follower.head().equals(producer.head()),
                "the follower on the producer's head");
        assertThat(follower.pendingTransactions()).isZero();
        assertThat(followerNet.network().peers()).extracting(TcpNetwork.PeerInfo::id)
                .containsExactly(new PeerId("127.0.0.1:" + producerNet.network().port()));
    }

    /**
     * A peer asks for ranges of blocks as fast as it can and reads none of the answers. The node reads
     * every request, but once the answers it queued for that peer pass its limit it builds no more:
     * the bytes held for the peer stay bounded, nearly every request goes unanswered, and the node
     * keeps following the producer. Every check waits on a count the node reports, never on a clock.
     */
    @Test
    void aPeerThatAsksForBlocksAndNeverReadsTheAnswersDoesNotSlowTheNode() throws Exception {
        producerAndFollower("none");
        eventually(() -> follower.head().height() >= 20, "a chain worth asking for");
        Socket leech = keep(new Socket());
        leech.setReceiveBufferSize(4096);
        leech.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.4"), 0));
        leech.connect(new InetSocketAddress("127.0.0.1", followerNet.network().port()), 5000);
        OutputStream out = new BufferedOutputStream(leech.getOutputStream(), 1 << 16);
        byte[] nodeId = new byte[WireFormat.NODE_ID_BYTES];
        out.write(RawPeer.framed(new Frame.Hello(TcpNetwork.PROTOCOL_VERSION, genesis.chainId(),
                follower.blockAt(0).orElseThrow().hash(), 40_004, nodeId)));
        PeerId leechId = new PeerId("127.0.0.4:40004");
        Gossip gossip = followerNet.peerNode().gossip();
        long askedBefore = gossip.messagesReceived().get("GetBlocks");
        long heightBefore = follower.head().height();
        AtomicLong mostQueued = new AtomicLong();
        int requests = 100_000;
        byte[] request = RawPeer.framed(new Frame.Payload(new Message.GetBlocks(1, Gossip.MAX_BLOCKS_PER_ANSWER)));
        for (int i = 0; i < requests; i++) {
            out.write(request);
            if (i % 1000 == 0) {
                mostQueued.accumulateAndGet(followerNet.network().queuedBytes(leechId), Math::max);
            }
        }
        out.flush();
        eventually(() -> {
            mostQueued.accumulateAndGet(followerNet.network().queuedBytes(leechId), Math::max);
            return gossip.messagesReceived().get("GetBlocks") - askedBefore >= requests;
        }, "the node reading every request");

        long unanswered = gossip.requestsLeftUnanswered();
        System.out.println(unanswered + " of " + requests + " requests unanswered; at most " + mostQueued.get()
                + " bytes queued for the peer; the follower went from height " + heightBefore + " to "
                + follower.head().height() + " meanwhile");
        assertThat(mostQueued.get()).as("bytes queued for a peer that never reads")
                .isLessThanOrEqualTo(followerNet.network().queueLimitBytes());
        // Answers stop once the socket buffers and the queue are full: a small share of the requests.
        assertThat(unanswered).as("requests the node did not answer").isGreaterThan(requests / 2);
        // The flood did not stop the node following: it reaches a head the producer made after it.
        long target = producer.head().height() + 3;
        eventually(() -> follower.head().height() >= target, "the follower keeping up after the flood");
        assertThat(followerNet.network().peers()).extracting(TcpNetwork.PeerInfo::id).contains(leechId);
    }

    @Test
    void aFloodOfDuplicatesIsDroppedAndBannedWhileTheNodeKeepsFollowingAndServing() throws Exception {
        producerAndFollower("none");

        RawPeer observer = keep(peerOf(follower, followerNet, "127.0.0.3", 40_003));
        RawPeer flooder = keep(peerOf(follower, followerNet, "127.0.0.2", 40_002));
        Block known = follower.blockAt(2).orElseThrow();
        Transaction transfer = Transaction.sign(producerKey, mvpos.state.GenesisState.of(genesis).domain(), 0, TxKind.TRANSFER, bob.address(), 77, 1);
        long heightBefore = producer.head().height();
        int sent = 0;
        try {
            for (; sent < 20_000; sent++) {
                flooder.send(new Frame.Payload(sent % 2 == 0 ? new Message.NewBlock(known)
                        : new Message.NewTransaction(transfer)));
            }
        } catch (IOException e) {
            // the node closed the connection: the flooder is banned
        }
        int repeatsToBan = RepeatedGossip.REPEATS_PER_PENALTY * TcpNetwork.Config.DEFAULT_BAN_SCORE
                / TcpNetwork.Config.DEFAULT_PENALTY;
        assertThat(disconnectReason(flooder)).isEqualTo("banned: " + repeatsToBan + " messages it had already sent");
        assertThat(sent).isGreaterThan(repeatsToBan);
        assertThat(keep(new RawPeer("127.0.0.2", followerNet.network().port())).awaitDisconnect(WAIT))
                .contains("127.0.0.2 is banned");

        // The node went on following the producer, and its transaction (once) reached the chain.
        eventually(() -> producer.head().height() >= heightBefore + 10 && follower.head().equals(producer.head())
                        && follower.account(bob.address()).balance() == 77,
                "the follower on the producer's head, with the transfer");
        assertThat(followerNet.network().peers()).extracting(TcpNetwork.PeerInfo::id)
                .containsExactlyInAnyOrder(new PeerId("127.0.0.1:" + producerNet.network().port()),
                        new PeerId("127.0.0.3:40003"));

        // The honest observer heard of each block and of the transaction once, never of a repeat. Frames
        // on one connection arrive in order: once the observer has a block as high as the follower's head,
        // it has every frame the follower sent it before (no sleep and hope).
        long headHeight = follower.head().height();
        List<Object> frames = new ArrayList<>();
        Object arrived;
        do {
            arrived = observer.next(WAIT);
            frames.add(arrived);
        } while (!(arrived instanceof Frame.Payload(Message.NewBlock(Block relayed)) && relayed.height() >= headHeight));
        frames.addAll(observer.drain());
        Map<String, Integer> heard = new HashMap<>();
        for (Object frame : frames) {
            if (frame instanceof Frame.Payload(Message.NewBlock block)) {
                heard.merge("block " + Hex.encode(block.block().hash()), 1, Integer::sum);
            } else if (frame instanceof Frame.Payload(Message.NewTransaction tx)) {
                heard.merge("tx " + Hex.encode(tx.transaction().hash()), 1, Integer::sum);
            }
        }
        assertThat(heard).containsEntry("tx " + Hex.encode(transfer.hash()), 1);
        assertThat(heard.keySet()).filteredOn(k -> k.startsWith("block")).hasSizeGreaterThanOrEqualTo(10);
        assertThat(heard.values()).allMatch(count -> count == 1);
        assertThat(heard).doesNotContainKey("block " + Hex.encode(known.hash()));
    }
}
