package mvpos.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mvpos.chain.Clock;
import mvpos.crypto.RandomSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Network} of a node across processes and hosts: TCP on Netty, a server on a bind
 * address plus the connections this node dials with {@link #connect}.
 *
 * <p>Each frame is a 4-byte big-endian length, then {@link WireFormat} bytes. Both sides first send a
 * {@link Frame.Hello} (the dialer first; the accepting side answers only if it accepts): a peer of
 * another protocol version, chain or genesis, this node itself, or a node already connected is sent a
 * {@link Frame.Disconnect} with the reason and closed. No message is delivered before the handshake.
 *
 * <p><b>Peer ids.</b> A peer is named {@code "host:port"}: the IP address its connection comes from
 * (IPv6 in brackets) and the port it says it listens on in its hello, so a peer has the same id
 * whichever side dialed, and the id is an address to dial it again.
 *
 * <p><b>Protection.</b> Frames over {@link Config#maxFrameBytes()}, frames that do not decode and
 * messages before the handshake cost a peer {@link Config#banScore()} at once; {@link #penalize} costs
 * {@link Config#penalty()}. Scores belong to node identities (the node id of the hello), so peers that
 * share an address are scored apart and a peer keeps its score when it reconnects. A peer whose score
 * reaches the ban score is disconnected and its node identity refused for {@link Config#banDuration()}
 * of the injected clock; its IP address is refused too, in and out, unless peers in good standing are
 * known there (a configured peer's address, or another connected peer's): a loopback or NAT testnet
 * keeps working after one bad peer, and a configured peer is never refused for another connection's
 * sins. Inbound connections from strangers are refused over {@link Config#maxConnections()}, over
 * {@link Config#maxConnectionsPerIp()} per address, or when half of {@code maxConnections} are still
 * in their handshake; connections this node dials and those of its configured peers
 * ({@link Config#configuredPeers()}) are counted apart, in slots strangers cannot take (see
 * {@link ConnectionLimits}). A connection that has not finished its handshake within
 * {@link Config#handshakeTimeout()}, or has sent nothing for {@link Config#idleTimeout()}, is closed.
 * A side that has written nothing for half the idle timeout sends a {@link Frame.Ping}, so honest idle
 * peers stay.
 *
 * <p><b>Threads.</b> The {@link Listener} is called on Netty's event-loop threads: in order for any one
 * peer, concurrently for different peers. It must return quickly; a node posts each call to its own loop.
 * All public methods are thread-safe.
 */
public final class TcpNetwork implements Network, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.net");
    /** The version of this wire protocol; a peer with another is refused. */
    public static final int PROTOCOL_VERSION = 1;

    /**
     * How the network is set up; {@link #defaults} gives the values below for each field.
     *
     * @param bindHost            the address to accept peers on (e.g. 127.0.0.1, 0.0.0.0)
     * @param port                the port to accept peers on; 0 picks a free one ({@link #port()} says which)
     * @param protocolVersion     sent in the hello ({@link #PROTOCOL_VERSION})
     * @param maxFrameBytes       largest frame accepted or sent, length prefix excluded (4 MiB)
     * @param handshakeTimeout    time a connection has to complete its handshake (5 s)
     * @param idleTimeout         a peer that sends nothing for this long is closed (60 s)
     * @param maxConnections      most inbound connections from strangers (50); as many again are kept for
     *                            the connections this node dials and for its configured peers
     * @param maxConnectionsPerIp most inbound connections from one IP address, configured peers apart (8)
     * @param banScore            score at which a peer is banned (100)
     * @param penalty             score one {@link #penalize} adds (25: the fourth offence bans)
     * @param banDuration         how long a banned node (and, unless honest peers share it, its address) is
     *                            refused (10 min)
     * @param configuredPeers     the peers this node was told to keep (its bootstrap peers): their
     *                            connections use reserved slots, and their addresses are never banned
     */
    public record Config(String bindHost, int port, int protocolVersion, int maxFrameBytes, Duration handshakeTimeout,
                         Duration idleTimeout, int maxConnections, int maxConnectionsPerIp, int banScore, int penalty,
                         Duration banDuration, List<InetSocketAddress> configuredPeers) {
        public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
        public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
        public static final int DEFAULT_MAX_CONNECTIONS = 50;
        public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 8;
        public static final int DEFAULT_BAN_SCORE = 100;
        public static final int DEFAULT_PENALTY = 25;
        public static final Duration DEFAULT_BAN_DURATION = Duration.ofMinutes(10);

        public Config {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is not 0 to 65535");
            }
            if (maxFrameBytes < 1024) {
                throw new IllegalArgumentException("a frame limit under 1024 bytes cannot carry a block");
            }
            if (handshakeTimeout.toMillis() <= 0 || idleTimeout.toMillis() < 2 || banDuration.isNegative()) {
                throw new IllegalArgumentException("timeouts must be at least a millisecond (idle: two)");
            }
            if (maxConnections < 1 || maxConnectionsPerIp < 1 || banScore < 1 || penalty < 0) {
                throw new IllegalArgumentException("limits must be positive");
            }
            configuredPeers = List.copyOf(configuredPeers);
        }

        /** The defaults, listening on {@code bindHost:port}. */
        public static Config defaults(String bindHost, int port) {
            return new Config(bindHost, port, PROTOCOL_VERSION, DEFAULT_MAX_FRAME_BYTES, DEFAULT_HANDSHAKE_TIMEOUT,
                    DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP, DEFAULT_BAN_SCORE,
                    DEFAULT_PENALTY, DEFAULT_BAN_DURATION, List.of());
        }

        public Config withProtocolVersion(int version) {
            return new Config(bindHost, port, version, maxFrameBytes, handshakeTimeout, idleTimeout, maxConnections,
                    maxConnectionsPerIp, banScore, penalty, banDuration, configuredPeers);
        }

        public Config withMaxFrameBytes(int bytes) {
            return new Config(bindHost, port, protocolVersion, bytes, handshakeTimeout, idleTimeout, maxConnections,
                    maxConnectionsPerIp, banScore, penalty, banDuration, configuredPeers);
        }

        public Config withTimeouts(Duration handshake, Duration idle) {
            return new Config(bindHost, port, protocolVersion, maxFrameBytes, handshake, idle, maxConnections,
                    maxConnectionsPerIp, banScore, penalty, banDuration, configuredPeers);
        }

        /** Inbound connections from strangers: {@code total} at most, {@code perIp} from one address. */
        public Config withConnectionLimits(int total, int perIp) {
            return new Config(bindHost, port, protocolVersion, maxFrameBytes, handshakeTimeout, idleTimeout, total,
                    perIp, banScore, penalty, banDuration, configuredPeers);
        }

        public Config withScoring(int newBanScore, int newPenalty, Duration newBanDuration) {
            return new Config(bindHost, port, protocolVersion, maxFrameBytes, handshakeTimeout, idleTimeout,
                    maxConnections, maxConnectionsPerIp, newBanScore, newPenalty, newBanDuration, configuredPeers);
        }

        /** The peers this node keeps (resolved addresses): reserved slots, addresses never banned. */
        public Config withConfiguredPeers(List<InetSocketAddress> peers) {
            return new Config(bindHost, port, protocolVersion, maxFrameBytes, handshakeTimeout, idleTimeout,
                    maxConnections, maxConnectionsPerIp, banScore, penalty, banDuration, peers);
        }
    }

    /**
     * What the network tells the node. Called on Netty event-loop threads (see the class comment): post
     * each call to the node's loop rather than work in it. Not called once {@link #close} has begun.
     */
    public interface Listener {
        /** A message from a peer whose handshake is done. */
        void onMessage(PeerId from, Message message);

        /** A peer finished its handshake; messages to it may be sent from now on. */
        default void onPeerConnected(PeerId peer) {
        }

        /** A connected peer is gone; {@code reason} is one line (closed by the peer, banned, silent...). */
        default void onPeerDisconnected(PeerId peer, String reason) {
        }
    }

    /** Who dialed: {@link #INBOUND} the peer, {@link #OUTBOUND} this node. */
    public enum Direction { INBOUND, OUTBOUND }

    /**
     * A connected peer, for the API.
     *
     * @param address the remote end of the connection (for an inbound peer, its ephemeral port)
     */
    public record PeerInfo(PeerId id, InetSocketAddress address, Direction direction, Instant connectedSince) {
    }

    /** The network could not start; the message says why in one line. */
    public static final class StartException extends Exception {
        public StartException(String message) {
            super(message);
        }
    }

    /** A dialed peer could not be connected; the message says why in one line. */
    public static final class DialFailedException extends Exception {
        public DialFailedException(String message) {
            super(message);
        }
    }

    private final Config config;
    private final GuardedListener listener;
    private final PeerConnection.Shared shared;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    private final int port;
    private volatile boolean closed;

    private TcpNetwork(Config config, String chainId, byte[] genesisHash, Listener listener, Clock clock,
                       RandomSource random) throws StartException {
        this.config = config;
        this.listener = new GuardedListener(listener);
        byte[] nodeId = new byte[WireFormat.NODE_ID_BYTES];
        random.nextBytes(nodeId);
        // refuses a chain id or genesis hash no peer would accept, before anything is started
        WireFormat.encode(new Frame.Hello(config.protocolVersion(), chainId, genesisHash, 1, nodeId));
        this.acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("p2p-accept", true));
        this.workers = new NioEventLoopGroup(Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors())),
                new DefaultThreadFactory("p2p-io", true));
        ServerBootstrap server = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false) // accept nothing before this object is complete
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .childHandler(initializer(this::inboundConnection));
        try {
            this.serverChannel = server.bind(config.bindHost(), config.port()).sync().channel();
        } catch (Exception e) {
            shutdownThreads();
            throw new StartException("cannot listen for peers on " + config.bindHost() + ":" + config.port() + ": "
                    + e.getMessage());
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        Frame.Hello hello = new Frame.Hello(config.protocolVersion(), chainId, genesisHash, port, nodeId);
        this.shared = new PeerConnection.Shared(config, new Handshake(hello), new PeerRegistry<>(nodeId),
                new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerIp(), config.maxConnections()),
                new Bans(clock, config.configuredPeers()), new PeerScores(), this.listener, clock);
        serverChannel.config().setAutoRead(true);
    }

    /**
     * Starts listening for peers.
     *
     * @param genesisHash the hash of the chain's genesis block; peers with another are refused
     * @param random      draws the node id sent in the hello
     * @param clock       times bans and the peers' connection times
     * @throws StartException           with a one-line reason when the address cannot be bound (the port is taken)
     * @throws IllegalArgumentException for a chain id over {@link WireFormat#MAX_CHAIN_ID_LENGTH} characters
     *                                  or a genesis hash that is not 32 bytes
     */
    public static TcpNetwork start(Config config, String chainId, byte[] genesisHash, Listener listener, Clock clock,
                                   RandomSource random) throws StartException {
        return new TcpNetwork(config, chainId, genesisHash, listener, clock, random);
    }

    /** The port peers connect to (the one bound, when the config asked for 0). */
    public int port() {
        return port;
    }

    /**
     * Dials a peer. The future completes with the peer's id once the handshake is done (at once when it
     * is already connected), or fails with a {@link DialFailedException} saying why: unreachable,
     * refused by the peer (its reason), refused here (banned, over a limit), no handshake in time.
     * Resolving a host name blocks the caller.
     */
    public CompletableFuture<PeerId> connect(String host, int port) {
        CompletableFuture<PeerId> result = new CompletableFuture<>();
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (closed) {
            return failed(result, "the network is closed");
        }
        if (target.isUnresolved()) {
            return failed(result, "cannot resolve " + host);
        }
        InetAddress address = target.getAddress();
        PeerId id = peerId(address, port);
        if (shared.registry().get(id) != null) {
            result.complete(id);
            return result;
        }
        ConnectionLimits.Slot slot;
        switch (shared.admitOutbound(address)) {
            case ConnectionLimits.Refused refused -> {
                return failed(result, id + ": " + refused.reason());
            }
            case ConnectionLimits.Counted counted -> slot = counted.slot();
        }
        new Bootstrap()
                .group(workers)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.handshakeTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .handler(initializer(() -> new PeerConnection(shared, target, slot, result)))
                .connect(target)
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        shared.limits().release(slot);
                        failed(result, "cannot connect to " + id + ": " + connected.cause().getMessage());
                    }
                });
        return result;
    }

    private static CompletableFuture<PeerId> failed(CompletableFuture<PeerId> result, String reason) {
        result.completeExceptionally(new DialFailedException(reason));
        return result;
    }

    /** Sends to one connected peer; does nothing when it is not connected or is not reading fast enough. */
    @Override
    public void send(PeerId to, Message message) {
        PeerConnection connection = shared.registry().get(to);
        if (connection != null) {
            for (byte[] frame : OutgoingFrames.of(message, config.maxFrameBytes())) {
                connection.send(frame);
            }
        }
    }

    /** Sends to every connected peer (encoded once), skipping those not reading fast enough. */
    @Override
    public void broadcast(Message message) {
        List<PeerConnection> peers = shared.registry().all();
        if (peers.isEmpty()) {
            return;
        }
        List<byte[]> frames = OutgoingFrames.of(message, config.maxFrameBytes());
        for (PeerConnection peer : peers) {
            for (byte[] frame : frames) {
                peer.send(frame);
            }
        }
    }

    /** False: a node is connected to some nodes only, so it relays what is new to it. */
    @Override
    public boolean broadcastReachesAll() {
        return false;
    }

    /**
     * Lowers a connected peer's score for invalid data the layer above found in what it sent (an invalid
     * block); at {@link Config#banScore()} the peer is disconnected and banned. Does nothing for a peer
     * that is not connected.
     */
    @Override
    public List<PeerId> connectedPeers() {
        return peers().stream().map(PeerInfo::id).toList();
    }

    @Override
    public boolean canSend(PeerId peer) {
        PeerConnection connection = shared.registry().get(peer);
        return connection != null && connection.writable();
    }

    /** Bytes queued in this process for {@code peer} and not yet taken by its socket; 0 when not connected. */
    public long queuedBytes(PeerId peer) {
        PeerConnection connection = shared.registry().get(peer);
        return connection == null ? 0 : connection.queuedBytes();
    }

    /** The most this process queues for one peer: past it, nothing more is written to the peer. */
    public long queueLimitBytes() {
        return waterMark().high() + (long) config.maxFrameBytes();
    }

    @Override
    public void penalize(PeerId peer, String reason) {
        PeerConnection connection = shared.registry().get(peer);
        if (connection != null) {
            connection.penalize(reason);
        }
    }

    /** The peers whose handshake is done, ordered by id. */
    /** How many bans this node pronounced since it started (peers by identity, addresses). */
    public long bansTotal() {
        return shared.bans().bansTotal();
    }

    public List<PeerInfo> peers() {
        return shared.registry().all().stream().map(PeerConnection::info).toList();
    }

    /** Says goodbye to every peer, closes every connection and stops the threads; no listener call follows. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().syncUninterruptibly();
        for (Channel channel : channels) {
            PeerConnection connection = channel.pipeline().get(PeerConnection.class);
            if (connection != null) {
                connection.closeFromAnyThread("the node is shutting down");
            }
        }
        channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdownThreads();
    }

    private void shutdownThreads() {
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The id of the peer at {@code address} that listens on {@code listenPort}. */
    static PeerId peerId(InetAddress address, int listenPort) {
        String host = address.getHostAddress();
        return new PeerId((address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + listenPort);
    }

    private WriteBufferWaterMark waterMark() {
        int high = Math.max(8 * 1024 * 1024, 2 * config.maxFrameBytes());
        return new WriteBufferWaterMark(high / 2, high);
    }

    /** Read only once the server accepts connections, after the constructor has set {@link #shared}. */
    private PeerConnection inboundConnection() {
        return new PeerConnection(shared);
    }

    private ChannelInitializer<SocketChannel> initializer(java.util.function.Supplier<PeerConnection> connection) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channels.add(channel);
                long idle = config.idleTimeout().toMillis();
                channel.pipeline()
                        .addLast(new IdleStateHandler(idle, idle / 2, 0, TimeUnit.MILLISECONDS))
                        .addLast(new LengthFieldBasedFrameDecoder(config.maxFrameBytes() + 4, 0, 4, 0, 4, true))
                        .addLast(new LengthFieldPrepender(4))
                        .addLast(connection.get());
            }
        };
    }

    /** Passes calls on until the network closes; an exception in the listener is logged, not spread. */
    private final class GuardedListener implements Listener {
        private final Listener delegate;

        GuardedListener(Listener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onMessage(PeerId from, Message message) {
            if (!closed) {
                guard(() -> delegate.onMessage(from, message));
            }
        }

        @Override
        public void onPeerConnected(PeerId peer) {
            if (!closed) {
                guard(() -> delegate.onPeerConnected(peer));
            }
        }

        @Override
        public void onPeerDisconnected(PeerId peer, String reason) {
            if (!closed) {
                guard(() -> delegate.onPeerDisconnected(peer, reason));
            }
        }

        private static void guard(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                log.error("the network listener failed: {}", e.toString(), e);
            }
        }
    }
}
