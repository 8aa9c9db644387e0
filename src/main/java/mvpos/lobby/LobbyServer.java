package mvpos.lobby;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import mvpos.chain.Clock;
import mvpos.crypto.RandomSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lobby's TCP transport, on Netty: line framing with a hard length limit, one {@link Lobby}
 * loop thread that owns all state, and timers for rounds and chain broadcasts on that same thread.
 *
 * <p>Idle connections cost no thread and no CPU (Netty multiplexes them on a few event-loop
 * threads); a disconnect is seen by the event loop at once and removed from the lobby on its loop.
 * Connections are capped per address and in all (never above what the process may open), a client
 * that gives no balance in time is closed, and a client that does not read costs bounded memory
 * ({@link ClientConnection}); what these defences did is logged in one summary line now and then.
 */
public final class LobbyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.lobby");
    /** File descriptors kept for everything but clients (the chain store, the JVM's own files). */
    private static final int RESERVED_DESCRIPTORS = 128;
    /** How often what the defences did is summed up in the log. */
    private static final long REPORT_MILLIS = 10_000;

    /**
     * How the server is set up; see {@code mvpos lobby --help}.
     *
     * @param fresh start a new chain in {@code dataDir}, forgetting the one stored there
     */
    public record Settings(String bindAddress, int port, Duration round, Duration broadcast, Path dataDir,
                           int maxLineBytes, boolean fresh, Limits limits) {
        public static final int DEFAULT_MAX_LINE_BYTES = 4096;

        /** Continues the chain in {@code dataDir}, with the default {@link Limits}. */
        public Settings(String bindAddress, int port, Duration round, Duration broadcast, Path dataDir,
                        int maxLineBytes) {
            this(bindAddress, port, round, broadcast, dataDir, maxLineBytes, false, Limits.DEFAULTS);
        }
    }

    /**
     * What one client, and all of them, may cost.
     *
     * @param maxClients           connections at once (also capped by the file descriptors the process may open)
     * @param maxClientsPerAddress connections at once from one IP address
     * @param registrationTimeout  a client that has not given its balance by then is closed
     * @param maxUnreadBytes       a client with more output than this not yet read is dropped
     */
    public record Limits(int maxClients, int maxClientsPerAddress, Duration registrationTimeout, long maxUnreadBytes) {
        public static final Limits DEFAULTS = new Limits(20_000, 256, Duration.ofMinutes(2), 1 << 20);

        public Limits {
            if (maxClients < 1 || maxClientsPerAddress < 1 || maxUnreadBytes < 1024 || registrationTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("client limits must be at least 1 (unread output: 1024 bytes)");
            }
        }

        /** The registration timeout as a person reads it: {@code 120 s}, {@code 500 ms}. */
        String registrationTimeoutText() {
            long millis = registrationTimeout.toMillis();
            return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
        }
    }

    /**
     * What the server holds for its clients right now (for tests and operators).
     *
     * @param connections  connections counted against the limits
     * @param backedUp     clients with more output waiting than the high-water mark: not read from until they read
     * @param unreadBytes  bytes queued for clients and not yet taken by their sockets
     * @param loopEvents   events waiting for the lobby loop
     */
    public record Backlog(int connections, int backedUp, long unreadBytes, int loopEvents) {
    }

    private final Lobby lobby;
    private final LobbyStore store;
    private final ScheduledThreadPoolExecutor loop;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ClientSlots slots;
    private final ConnectionReport report = new ConnectionReport();
    private final Channel serverChannel;

    private LobbyServer(Settings settings, Clock clock, RandomSource random, LobbyStore store)
            throws InterruptedException, StartException {
        this.store = store;
        LobbyChain chain;
        try {
            chain = settings.fresh() ? store.startFresh(clock.millis()) : store.loadOrCreate(clock.millis());
        } catch (LobbyStore.StoreException e) {
            store.close();
            throw new StartException(e.getMessage());
        }
        this.lobby = new Lobby(clock, random, store, chain, settings.maxLineBytes());
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "lobby-loop");
            thread.setDaemon(true);
            return thread;
        });
        Limits limits = settings.limits();
        this.slots = new ClientSlots(Math.min(limits.maxClients(), descriptorsForClients()), limits.maxClientsPerAddress());
        this.acceptor = new NioEventLoopGroup(1);
        this.workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptFailures())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                // Small reads: what one read decodes is all a paused client can have waiting in the pipeline.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 1024, 16 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline()
                                .addLast(new LineBasedFrameDecoder(settings.maxLineBytes(), true, true))
                                .addLast(new FlowControlHandler())
                                .addLast(new ClientConnection(lobby, LobbyServer.this::post, limits, slots, report));
                    }
                });
        try {
            this.serverChannel = bootstrap.bind(settings.bindAddress(), settings.port()).sync().channel();
        } catch (Exception e) {
            shutdownThreads();
            store.close();
            throw new StartException("cannot listen on " + settings.bindAddress() + ":" + settings.port()
                    + ": " + e.getMessage());
        }
        long roundMillis = settings.round().toMillis();
        long broadcastMillis = settings.broadcast().toMillis();
        loop.scheduleAtFixedRate(() -> safely(lobby::endRound), roundMillis, roundMillis, TimeUnit.MILLISECONDS);
        loop.scheduleAtFixedRate(() -> safely(lobby::broadcastChain), broadcastMillis, broadcastMillis,
                TimeUnit.MILLISECONDS);
        loop.scheduleAtFixedRate(() -> report.drain(slots, limits.registrationTimeoutText()).ifPresent(log::info),
                REPORT_MILLIS, REPORT_MILLIS, TimeUnit.MILLISECONDS);
        log.info("chain of {} blocks {} {}; head is block {} ({}); next round: {}", chain.size(),
                settings.fresh() ? "started fresh in" : "loaded from", store.directory(), chain.head().index(),
                chain.head().hash(), lobby.currentRound());
        log.info("at most {} clients, {} per address; a client has {} to give its balance", slots.maxTotal(),
                slots.maxPerAddress(), limits.registrationTimeoutText());
    }

    /**
     * Opens the chain in {@code settings.dataDir()}, binds the port and starts the rounds.
     *
     * @throws StartException with a one-line reason when the data or the port is unusable
     */
    public static LobbyServer start(Settings settings, Clock clock, RandomSource random)
            throws InterruptedException, StartException {
        LobbyStore store;
        try {
            store = LobbyStore.open(settings.dataDir());
        } catch (LobbyStore.StoreException e) {
            throw new StartException(e.getMessage());
        }
        return new LobbyServer(settings, clock, random, store);
    }

    /** Clients the process can hold without running out of file descriptors (unbounded where unknown). */
    private static int descriptorsForClients() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, max - Math.max(RESERVED_DESCRIPTORS, max / 8)));
        }
        return Integer.MAX_VALUE;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Runs {@code query} on the lobby loop and returns its result: the only safe way to read lobby state. */
    public <T> T onLoop(Callable<T> query) throws InterruptedException, ExecutionException {
        return loop.submit(query).get();
    }

    public Lobby lobby() {
        return lobby;
    }

    /** What the server holds for its clients now. */
    public Backlog backlog() {
        long unread = 0;
        int backedUp = 0;
        for (Channel channel : channels) {
            ClientConnection connection = channel.pipeline().get(ClientConnection.class);
            if (connection != null) {
                unread += connection.unreadBytes();
                backedUp += channel.isActive() && !channel.isWritable() ? 1 : 0; // a closing channel is not writable either
            }
        }
        return new Backlog(slots.total(), backedUp, unread, loop.getQueue().size());
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownThreads();
        store.close();
    }

    private void shutdownThreads() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void post(Runnable event) {
        try {
            loop.execute(() -> safely(event));
        } catch (RejectedExecutionException e) {
            // shutting down: nothing left to tell the lobby
        }
    }

    /** An exception in one event is logged and never stops the loop from serving everyone else. */
    private static void safely(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            log.error("internal error while handling an event: {}", e.toString(), e);
        }
    }

    /**
     * A failure to accept (out of file descriptors, most often) is counted for the summary and
     * accepting pauses for a second, instead of Netty's stack trace on every attempt.
     */
    private final class AcceptFailures extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            report.acceptFailed(String.valueOf(cause.getMessage()));
            Channel server = ctx.channel();
            if (server.config().isAutoRead()) {
                server.config().setAutoRead(false);
                server.eventLoop().schedule(() -> server.config().setAutoRead(true), 1, TimeUnit.SECONDS);
            }
        }
    }

    /** The lobby could not start; the message says why in one line (data directory, port). */
    public static final class StartException extends Exception {
        public StartException(String message) {
            super(message);
        }
    }
}
