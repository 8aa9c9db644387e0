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
 * node's loop, and its peer set. Every {@link #RECONNECT_MILLIS} it dials the bootstrap peers that are
 * not connected (so it reconnects after they drop) and, while it has fewer than {@link #TARGET_PEERS},
 * addresses it learned by peer exchange; every {@link #EXCHANGE_MILLIS} it asks its peers for theirs.
 */
public final class P2pNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.p2p");
    /** How often missing bootstrap peers are dialed again. */
    public static final long RECONNECT_MILLIS = 2_000;
    /** How many peers a node tries to keep. */
    public static final int TARGET_PEERS = 8;
    /** How often a node asks its peers for the addresses of theirs. */
    public static final long EXCHANGE_MILLIS = 5_000;
    /** Most addresses remembered from peer exchange. */
    static final int MAX_KNOWN = 1_000;

    private final Set<String> learned = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

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
        TcpNetwork network = TcpNetwork.start(config.withConfiguredPeers(resolve(bootstrap)), node.genesis().chainId(),
                genesisHash(node),
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
                        holder[0].peerDisconnected(peer);
                    }
                }, clock, random);
        holder[0] = new PeerNode(node, network);
        P2pNode p2p = new P2pNode(network, holder[0], bootstrap);
        holder[0].gossip().onPeersDiscovered(p2p::learn);
        p2p.dialer.scheduleWithFixedDelay(p2p::dialMissing, 0, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
        p2p.dialer.scheduleWithFixedDelay(() -> network.broadcast(new Message.GetPeers()), EXCHANGE_MILLIS / 5,
                EXCHANGE_MILLIS, TimeUnit.MILLISECONDS);
        return p2p;
    }

    /**
     * The bootstrap peers' addresses, resolved now (names are looked up once, at start): the network
     * keeps slots for them and never bans their addresses. A name that does not resolve is left out
     * here, and still dialed by name later.
     */
    private static List<java.net.InetSocketAddress> resolve(List<PeerAddress> bootstrap) {
        List<java.net.InetSocketAddress> resolved = new java.util.ArrayList<>();
        for (PeerAddress address : bootstrap) {
            java.net.InetSocketAddress socket = new java.net.InetSocketAddress(address.host(), address.port());
            if (socket.isUnresolved()) {
                log.warn("bootstrap peer {} does not resolve now; it gets no reserved slot", address);
            } else {
                resolved.add(socket);
            }
        }
        return resolved;
    }

    private static byte[] genesisHash(Node node) {
        try {
            return node.blockAt(0).orElseThrow().hash();
        } catch (mvpos.chain.ChainStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Addresses a peer told of (on the node's loop): remembered, to be dialed while peers are few. */
    private void learn(List<String> addresses) {
        for (String address : addresses) {
            if (learned.size() >= MAX_KNOWN) {
                return;
            }
            try {
                PeerAddress.parse(address);
                learned.add(address);
            } catch (IllegalArgumentException e) {
                log.debug("ignoring a peer address {}: {}", address, e.getMessage());
            }
        }
    }

    private void dialMissing() {
        try {
            Set<String> connected = network.peers().stream().map(p -> p.id().name()).collect(Collectors.toSet());
            for (PeerAddress address : bootstrap) {
                if (!connected.contains(address.toString())) {
                    dial(address);
                }
            }
            int room = TARGET_PEERS - connected.size();
            List<String> candidates;
            synchronized (learned) {
                candidates = List.copyOf(learned);
            }
            for (String address : candidates) {
                if (room <= 0) {
                    break;
                }
                if (!connected.contains(address) && bootstrap.stream().noneMatch(b -> b.toString().equals(address))) {
                    dial(PeerAddress.parse(address));
                    room--;
                }
            }
        } catch (RuntimeException e) {
            log.warn("dialing peers failed: {}", e.getMessage());
        }
    }

    private void dial(PeerAddress address) {
        network.connect(address.host(), address.port()).exceptionally(e -> {
            log.debug("cannot reach {}: {}", address, e.getMessage());
            return null;
        });
    }

    /** Starts block production and voting ticks (a validator's node). */
    public void startProducing(long tickMillis) {
        peer.startProducing(tickMillis);
    }

    /** The highest chain a peer has shown this node. */
    /** The node's side of the conversation with its peers. */
    public PeerNode peerNode() {
        return peer;
    }

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
