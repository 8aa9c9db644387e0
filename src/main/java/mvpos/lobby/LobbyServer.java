package mvpos.lobby;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 */
public final class LobbyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("mvpos.lobby");

    /** How the server is set up; see {@code mvpos lobby --help}. */
    public record Settings(String bindAddress, int port, Duration round, Duration broadcast, Path dataDir,
                           int maxLineBytes) {
        public static final int DEFAULT_MAX_LINE_BYTES = 4096;
    }

    private final Lobby lobby;
    private final LobbyStore store;
    private final ScheduledExecutorService loop;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;

    private LobbyServer(Settings settings, Clock clock, RandomSource random, LobbyStore store)
            throws InterruptedException, StartException {
        this.store = store;
        LobbyChain chain;
        try {
            chain = store.loadOrCreate(clock.millis());
        } catch (LobbyStore.StoreException e) {
            store.close();
            throw new StartException(e.getMessage());
        }
        this.lobby = new Lobby(clock, random, store, chain, settings.maxLineBytes());
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "lobby-loop");
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new NioEventLoopGroup(1);
        this.workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline()
                                .addLast(new LineBasedFrameDecoder(settings.maxLineBytes(), true, true))
                                .addLast(new ClientHandler());
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
        log.info("chain of {} blocks loaded from {}; head is block {} ({})", chain.size(), store.directory(),
                chain.head().index(), chain.head().hash());
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
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

    /** The lobby could not start; the message says why in one line (data directory, port). */
    public static final class StartException extends Exception {
        public StartException(String message) {
            super(message);
        }
    }

    /** One connection: frames arrive here as lines and go to the lobby loop in order. */
    private final class ClientHandler extends ChannelInboundHandlerAdapter implements Lobby.Client {
        private Channel channel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            post(() -> lobby.clientConnected(this));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            String line;
            try {
                line = frame.toString(StandardCharsets.UTF_8);
            } finally {
                frame.release();
            }
            post(() -> lobby.lineReceived(this, line));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            post(() -> lobby.clientDisconnected(this));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                post(() -> lobby.lineTooLong(this));
            } else {
                ctx.close();
            }
        }

        @Override
        public void send(String text) {
            channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), channel.voidPromise());
        }

        @Override
        public boolean sendShared(byte[] bytes, boolean skipIfBehind) {
            if (skipIfBehind && !channel.isWritable()) {
                return false;
            }
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes), channel.voidPromise());
            return true;
        }

        @Override
        public void sendAndClose(String text) {
            channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public String remoteAddress() {
            return String.valueOf(channel.remoteAddress());
        }
    }
}
