package mvpos.lobby;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection, the last handler of its pipeline: takes a slot or is refused, hands each
 * line to the lobby loop in order, and keeps what the client costs bounded.
 *
 * <p><b>Back-pressure.</b> A client gets at most {@link #MAX_LINES_IN_FLIGHT} lines ahead of the lobby
 * loop, and nothing more is read from it while what it was sent is piling up unread (its channel is
 * not writable): a client that sends without reading stops being read, so neither its replies nor
 * its lines can grow without limit, and the loop keeps serving everyone else in turn. Reading resumes
 * when it catches up. A client whose unread output still passes {@link LobbyServer.Limits#maxUnreadBytes()}
 * (announcements keep coming) is dropped, with a log line.
 *
 * <p>State changes on the channel's event loop, except {@link #send} and friends, which the lobby loop
 * calls.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements Lobby.Client {
    private static final Logger log = LoggerFactory.getLogger("mvpos.lobby");
    /** Lines of one client the lobby loop may hold at once; reading stops there. */
    static final int MAX_LINES_IN_FLIGHT = 32;
    private static final int RESUME_AT = MAX_LINES_IN_FLIGHT / 2;

    private final Lobby lobby;
    private final Executor loop;
    private final LobbyServer.Limits limits;
    private final ClientSlots slots;
    private final ConnectionReport report;
    private final AtomicInteger linesInFlight = new AtomicInteger();
    private volatile Channel channel;
    private InetAddress address;
    private boolean counted;
    private boolean paused;
    private ScheduledFuture<?> registrationTimer;
    private volatile boolean dropped;

    ClientConnection(Lobby lobby, Executor loop, LobbyServer.Limits limits, ClientSlots slots, ConnectionReport report) {
        this.lobby = lobby;
        this.loop = loop;
        this.limits = limits;
        this.slots = slots;
        this.report = report;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        address = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        Optional<String> refusal = slots.tryAcquire(address);
        if (refusal.isPresent()) {
            report.refused();
            channel.config().setAutoRead(false);
            channel.writeAndFlush(Unpooled.copiedBuffer("error: " + refusal.get() + "\n", StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        counted = true;
        long timeout = limits.registrationTimeout().toMillis();
        registrationTimer = ctx.executor().schedule(() -> loop.execute(() -> {
            if (lobby.registrationTimedOut(this, limits.registrationTimeoutText())) {
                report.timedOut();
            }
        }), timeout, TimeUnit.MILLISECONDS);
        loop.execute(() -> lobby.clientConnected(this));
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
        if (!counted) {
            return;
        }
        int inFlight = linesInFlight.incrementAndGet();
        loop.execute(() -> {
            try {
                lobby.lineReceived(this, line);
            } finally {
                lineHandled();
            }
        });
        if (inFlight >= MAX_LINES_IN_FLIGHT || !channel.isWritable()) {
            pause();
        }
    }

    /** On the lobby loop, after a line: once the client is well within its allowance, reading may resume. */
    private void lineHandled() {
        if (linesInFlight.decrementAndGet() == RESUME_AT) {
            channel.eventLoop().execute(this::resumeIfCaughtUp);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            resumeIfCaughtUp();
        } else if (counted) {
            report.backedUp();
            pause();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void pause() {
        if (!paused && channel.isActive()) {
            paused = true;
            channel.config().setAutoRead(false);
        }
    }

    private void resumeIfCaughtUp() {
        if (paused && channel.isWritable() && linesInFlight.get() <= RESUME_AT) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!counted) {
            return;
        }
        counted = false;
        slots.release(address);
        registrationTimer.cancel(false);
        loop.execute(() -> lobby.clientDisconnected(this));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            if (counted) {
                loop.execute(() -> lobby.lineTooLong(this));
            }
        } else if (cause instanceof IOException) {
            ctx.close(); // reset by the client, and the like: nothing to say
        } else {
            log.warn("closing the connection of {}: {}", remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    @Override
    public void send(String text) {
        write(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Override
    public boolean sendShared(byte[] bytes, boolean skipIfBehind) {
        if (skipIfBehind && !channel.isWritable()) {
            return false;
        }
        write(Unpooled.wrappedBuffer(bytes));
        return true;
    }

    @Override
    public void sendAndClose(String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String remoteAddress() {
        Channel ch = channel;
        return ch == null ? "?" : String.valueOf(ch.remoteAddress());
    }

    /** Bytes queued for this client and not yet taken by its socket (any thread; 0 before it is set up). */
    long unreadBytes() {
        Channel ch = channel;
        if (ch == null) {
            return 0;
        }
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** Writes unless the client has more than the limit unread, in which case it is dropped. */
    private void write(ByteBuf bytes) {
        if (dropped) {
            bytes.release();
            return;
        }
        long unread = unreadBytes();
        if (unread + bytes.readableBytes() > limits.maxUnreadBytes()) {
            bytes.release();
            dropped = true;
            log.warn("client {} dropped: {} bytes sent to it are still unread (limit {})", remoteAddress(), unread,
                    limits.maxUnreadBytes());
            channel.close();
            return;
        }
        channel.writeAndFlush(bytes, channel.voidPromise());
    }
}
