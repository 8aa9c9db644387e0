package mvpos.net;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mvpos.chain.Clock;
import mvpos.crypto.RandomSource;
import mvpos.node.Node;
import mvpos.node.PeerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node on the TCP network: its {@link TcpNetwork}, the {@link PeerNode} that hands messages to the
 * node's loop, and the bootstrap peers it keeps dialing (every {@link #RECONNECT_MILLIS}) while they
 * are not connected, so that it reconnects after they drop.
 */
public final class P2pNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.p2p");
    /** How often missing bootstrap peers are dialed again. */
    public static final long RECONNECT_MILLIS = 2_000;

    private final TcpNetwork network;
    private final PeerNode peer;
    private final List<PeerAddress> bootstrap;
    private final ScheduledExecutorService dialer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "p2p-dialer");
        thread.setDaemon(true);
        return thread;
    });

    private P2pNode(TcpNetwork network, PeerNode peer, List<PeerAddress> bootstrap) {
        this.network = network;
        this.peer = peer;
        this.bootstrap = List.copyOf(bootstrap);
    }

    /** Starts listening for peers, dials the bootstrap peers, and keeps dialing the missing ones. */
    public static P2pNode start(Node node, TcpNetwork.Config config, List<PeerAddress> bootstrap, Clock clock,
                                RandomSource random, long powAttemptsPerTick) throws TcpNetwork.StartException {
        PeerNode[] holder = new PeerNode[1];
        TcpNetwork network = TcpNetwork.start(config, node.genesis().chainId(), genesisHash(node),
                new TcpNetwork.Listener() {
                    @Override
                    public void onMessage(PeerId from, Message message) {
                        holder[0].deliver(from, message);
                    }

                    @Override
                    public void onPeerConnected(PeerId peer) {
                        log.info("peer {} connected", peer);
                        holder[0].peerConnected(peer);
                    }

                    @Override
                    public void onPeerDisconnected(PeerId peer, String reason) {
                        log.info("peer {} disconnected: {}", peer, reason);
                    }
                }, clock, random);
        holder[0] = new PeerNode(node, network, random, powAttemptsPerTick);
        P2pNode p2p = new P2pNode(network, holder[0], bootstrap);
        p2p.dialer.scheduleWithFixedDelay(p2p::dialMissing, 0, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
        return p2p;
    }

    private static byte[] genesisHash(Node node) {
        try {
            return node.blockAt(0).orElseThrow().hash();
        } catch (mvpos.chain.ChainStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void dialMissing() {
        Set<String> connected = network.peers().stream().map(p -> p.id().name()).collect(Collectors.toSet());
        for (PeerAddress address : bootstrap) {
            if (!connected.contains(address.toString())) {
                network.connect(address.host(), address.port()).exceptionally(e -> {
                    log.debug("cannot reach {}: {}", address, e.getMessage());
                    return null;
                });
            }
        }
    }

    /** Starts block production and voting ticks (a validator's node). */
    public void startProducing(long tickMillis) {
        peer.startProducing(tickMillis);
    }

    /** The highest chain a peer has shown this node. */
    public long highestPeerHeight() {
        return peer.gossip().highestPeerHeight();
    }

    public TcpNetwork network() {
        return network;
    }

    @Override
    public void close() {
        dialer.shutdownNow();
        network.close();
    }
}
