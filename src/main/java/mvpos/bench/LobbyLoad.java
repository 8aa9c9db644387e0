package mvpos.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * N real TCP validators against a running lobby ({@code mvpos bench lobby}): each connects,
 * stakes, and proposes a BPM every round; the load measures registrations per second and when
 * each client received each winner announcement (wall-clock milliseconds, to compare with the
 * lobby's own log).
 */
public final class LobbyLoad implements AutoCloseable {
    private static final byte[] BALANCE_PROMPT = "Enter token balance:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BPM_PROMPT = "Enter a new BPM:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WINNER = "winning validator: ".getBytes(StandardCharsets.US_ASCII);

    /** What one announcement did: how many clients got it and the spread of arrival times. */
    public record Announcement(int received, long firstMillis, long lastMillis) {
        public long firstToLastMillis() {
            return lastMillis - firstMillis;
        }
    }

    private final String host;
    private final int port;
    private final int clients;
    private final long stake;
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final List<Validator> validators = new ArrayList<>();
    private final CountDownLatch registered;
    private final AtomicInteger failures = new AtomicInteger();
    private final int maxAnnouncements;
    private final AtomicLongArray[] arrivals;

    public LobbyLoad(String host, int port, int clients, long stake, int maxAnnouncements) {
        this.host = host;
        this.port = port;
        this.clients = clients;
        this.stake = stake;
        this.registered = new CountDownLatch(clients);
        this.maxAnnouncements = maxAnnouncements;
        this.arrivals = new AtomicLongArray[maxAnnouncements];
        for (int i = 0; i < maxAnnouncements; i++) {
            arrivals[i] = new AtomicLongArray(clients);
        }
    }

    /**
     * Connects every client (at most {@code parallel} connects in flight) and waits until each has
     * registered; returns the seconds that took.
     */
    public double connectAndRegister(int parallel, long timeoutSeconds, PrintStream out) throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
        Semaphore inFlight = new Semaphore(parallel);
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            inFlight.acquire();
            Validator validator = new Validator(i);
            validators.add(validator);
            bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(validator);
                }
            }).connect(host, port).addListener(f -> {
                inFlight.release();
                if (!f.isSuccess()) {
                    failures.incrementAndGet();
                    registered.countDown();
                }
            });
        }
        if (!registered.await(timeoutSeconds, TimeUnit.SECONDS)) {
            out.printf("  only %d of %d clients registered within %d s%n", clients - registered.getCount(), clients,
                    timeoutSeconds);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    public int failures() {
        return failures.get();
    }

    /** Every registered client proposes one BPM. */
    public void proposeAll(int bpm) {
        byte[] line = (bpm + "\n").getBytes(StandardCharsets.US_ASCII);
        for (Validator v : validators) {
            Channel ch = v.channel;
            if (ch != null && ch.isActive()) {
                ch.writeAndFlush(Unpooled.wrappedBuffer(line), ch.voidPromise());
            }
        }
    }

    /** Waits until announcement {@code k} reached every live client (or the timeout), then measures it. */
    public Announcement awaitAnnouncement(int k, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (countArrivals(k) >= liveClients()) {
                break;
            }
            Thread.sleep(5);
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int received = 0;
        for (int i = 0; i < clients; i++) {
            long t = arrivals[k].get(i);
            if (t != 0) {
                received++;
                first = Math.min(first, t);
                last = Math.max(last, t);
            }
        }
        return new Announcement(received, received == 0 ? 0 : first, received == 0 ? 0 : last);
    }

    public int liveClients() {
        return (int) validators.stream().filter(v -> v.channel != null && v.channel.isActive()).count();
    }

    private int countArrivals(int k) {
        int n = 0;
        for (int i = 0; i < clients; i++) {
            if (arrivals[k].get(i) != 0) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One bench validator: answers the balance prompt with its stake, notes when it is registered,
     * and timestamps each winner announcement. It keeps only a short tail of the current line, so
     * the chain JSON the lobby broadcasts costs it nothing.
     */
    private final class Validator extends ChannelInboundHandlerAdapter {
        private final int id;
        private final byte[] tail = new byte[96];
        private int tailLength;
        private boolean lineTooLongForTail;
        private boolean isRegistered;
        private int announcementsSeen;
        volatile Channel channel;

        Validator(int id) {
            this.id = id;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (buf.isReadable()) {
                    byte b = buf.readByte();
                    if (b == '\n') {
                        lineEnded();
                        continue;
                    }
                    if (tailLength < tail.length) {
                        tail[tailLength++] = b;
                    } else {
                        lineTooLongForTail = true;
                    }
                    if (!lineTooLongForTail) {
                        promptCheck(ctx);
                    }
                }
            } finally {
                buf.release();
            }
        }

        private void promptCheck(ChannelHandlerContext ctx) {
            if (endsWith(BALANCE_PROMPT)) {
                tailLength = 0;
                ctx.writeAndFlush(Unpooled.copiedBuffer(stake + "\n", StandardCharsets.US_ASCII), ctx.voidPromise());
            } else if (endsWith(BPM_PROMPT)) {
                tailLength = 0;
                if (!isRegistered) {
                    isRegistered = true;
                    registered.countDown();
                }
            }
        }

        private void lineEnded() {
            if (!lineTooLongForTail && startsWith(WINNER)) {
                if (announcementsSeen < maxAnnouncements) {
                    arrivals[announcementsSeen].set(id, System.currentTimeMillis());
                }
                announcementsSeen++;
            }
            tailLength = 0;
            lineTooLongForTail = false;
        }

        private boolean endsWith(byte[] suffix) {
            return tailLength >= suffix.length
                    && Arrays.equals(tail, tailLength - suffix.length, tailLength, suffix, 0, suffix.length);
        }

        private boolean startsWith(byte[] prefix) {
            return tailLength >= prefix.length && Arrays.equals(tail, 0, prefix.length, prefix, 0, prefix.length);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!isRegistered) {
                failures.incrementAndGet();
                isRegistered = true;
                registered.countDown();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
