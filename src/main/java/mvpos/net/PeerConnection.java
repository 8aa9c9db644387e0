package mvpos.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import mvpos.chain.Clock;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.HashKey;
import mvpos.net.TcpNetwork.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a peer, the last handler of its Netty pipeline: admits it, runs the handshake,
 * turns frames into messages for the listener (dropping gossip the peer already sent, see
 * {@link RepeatedGossip}), scores and bans the peer for what it should not send,
 * keeps it alive with pings and closes it when it is silent.
 *
 * <p>Its state changes on the channel's event loop only; {@link #send} and {@link #penalize} may be
 * called from any thread.
 */
final class PeerConnection extends ChannelInboundHandlerAdapter implements PeerRegistry.Member {
    private static final Logger log = LoggerFactory.getLogger("mvpos.net");
    /** How long a peer has to close after a farewell before the connection is closed anyway. */
    private static final long FAREWELL_MILLIS = 1_000;
    /**
     * The same for a connection refused before it was counted (banned, over a limit): short, so a
     * flood of refused connections cannot hold many sockets open.
     */
    private static final long REFUSAL_FAREWELL_MILLIS = 100;

    /** What every connection of one {@link TcpNetwork} shares. */
    record Shared(TcpNetwork.Config config, Handshake handshake, PeerRegistry<PeerConnection> registry,
                  ConnectionLimits limits, Bans bans, PeerScores scores, TcpNetwork.Listener listener, Clock clock) {

        /** Counts an inbound connection from {@code address}, or says why it is refused (banned, over a limit). */
        ConnectionLimits.Outcome admitInbound(InetAddress address) {
            Optional<String> banned = bans.addressRefusal(address);
            return banned.isPresent() ? new ConnectionLimits.Refused(banned.get())
                    : limits.acquireInbound(address, bans.isConfiguredAddress(address));
        }

        /** Counts a connection this node dials to {@code address}, or says why it is refused. */
        ConnectionLimits.Outcome admitOutbound(InetAddress address) {
            Optional<String> banned = bans.addressRefusal(address);
            return banned.isPresent() ? new ConnectionLimits.Refused(banned.get()) : limits.acquireOutbound(address);
        }

        /** True when a connected peer other than {@code except} comes from {@code address}. */
        boolean otherPeersAt(InetAddress address, PeerConnection except) {
            for (PeerConnection peer : registry.all()) {
                if (peer != except && peer.remote.getAddress().equals(address)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Shared shared;
    private final Direction direction;
    private final CompletableFuture<PeerId> dialed;
    private volatile Channel channel;
    private volatile InetSocketAddress remote;
    private volatile PeerId id;
    private volatile byte[] remoteNodeId;
    private volatile Instant connectedSince;
    private ConnectionLimits.Slot slot;
    private boolean open;
    private int score;
    private String closeReason;
    private ScheduledFuture<?> handshakeTimer;
    private final RepeatedGossip repeated = new RepeatedGossip();

    /** An inbound connection. */
    PeerConnection(Shared shared) {
        this(shared, Direction.INBOUND, null, null, null);
    }

    /**
     * An outbound connection.
     *
     * @param slot   where it was counted before it was dialed
     * @param dialed completed with the peer's id when the handshake is done, or failed with the reason
     *               it is not
     */
    PeerConnection(Shared shared, InetSocketAddress target, ConnectionLimits.Slot slot, CompletableFuture<PeerId> dialed) {
        this(shared, Direction.OUTBOUND, target, slot, dialed);
    }

    private PeerConnection(Shared shared, Direction direction, InetSocketAddress target, ConnectionLimits.Slot slot,
                           CompletableFuture<PeerId> dialed) {
        this.shared = shared;
        this.direction = direction;
        this.remote = target;
        this.slot = slot;
        this.dialed = dialed;
    }

    @Override
    public PeerId id() {
        return id;
    }

    @Override
    public byte[] remoteNodeId() {
        return remoteNodeId.clone();
    }

    @Override
    public boolean outbound() {
        return direction == Direction.OUTBOUND;
    }

    TcpNetwork.PeerInfo info() {
        return new TcpNetwork.PeerInfo(id, remote, direction, connectedSince);
    }

    /** Whether a frame sent now would be queued: false while the peer is not reading fast enough. */
    boolean writable() {
        Channel ch = channel;
        return ch != null && ch.isWritable();
    }

    /** Bytes written to the peer and still waiting in this process for the socket to take them. */
    long queuedBytes() {
        Channel ch = channel;
        io.netty.channel.ChannelOutboundBuffer buffer = ch == null ? null : ch.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** Writes a frame unless the peer is not reading fast enough; true when it was queued. */
    boolean send(byte[] frame) {
        Channel ch = channel;
        if (ch == null || !ch.isWritable()) {
            return false;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(frame), ch.voidPromise());
        return true;
    }

    /** Lowers the peer's score for invalid data the layer above found; at the ban score it is banned. */
    void penalize(String reason) {
        channel.eventLoop().execute(() -> misbehaved(reason, shared.config().penalty()));
    }

    /** Says why and closes, from any thread. */
    void closeFromAnyThread(String reason) {
        channel.eventLoop().execute(() -> closeWith(reason, true));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        remote = (InetSocketAddress) channel.remoteAddress();
        if (direction == Direction.INBOUND) {
            switch (shared.admitInbound(remote.getAddress())) {
                case ConnectionLimits.Refused refused -> {
                    log.debug("refused {}: {}", remote, refused.reason());
                    closeWith(refused.reason(), true);
                    return;
                }
                case ConnectionLimits.Counted counted -> slot = counted.slot();
            }
        }
        long timeout = shared.config().handshakeTimeout().toMillis();
        handshakeTimer = ctx.executor().schedule(() -> closeWith("no handshake within " + timeout + " ms", true),
                timeout, TimeUnit.MILLISECONDS);
        if (direction == Direction.OUTBOUND) {
            write(shared.handshake().ours());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buffer = (ByteBuf) msg;
        byte[] bytes;
        try {
            bytes = ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
        if (closeReason != null) {
            return;
        }
        Frame frame;
        try {
            frame = WireFormat.decode(bytes);
        } catch (MalformedEncodingException e) {
            misbehaved("malformed frame: " + e.getMessage(), shared.config().banScore());
            return;
        }
        if (open) {
            onFrame(frame);
        } else {
            onFrameBeforeHandshake(frame);
        }
    }

    private void onFrameBeforeHandshake(Frame frame) {
        switch (frame) {
            case Frame.Hello hello -> onHello(hello);
            case Frame.Disconnect disconnect -> closeWith("refused by the peer: " + disconnect.reason(), false);
            case Frame.Ping ping -> { }
            case Frame.Payload payload -> misbehaved("a message before the handshake", shared.config().banScore());
        }
    }

    private void onFrame(Frame frame) {
        switch (frame) {
            case Frame.Payload payload -> onPayload(payload.message());
            case Frame.Ping ping -> { }
            case Frame.Disconnect disconnect -> closeWith("disconnected by the peer: " + disconnect.reason(), false);
            case Frame.Hello hello -> misbehaved("a second hello", shared.config().banScore());
        }
    }

    private void onPayload(Message message) {
        switch (repeated.check(message)) {
            case RepeatedGossip.Deliver deliver -> shared.listener().onMessage(id, message);
            case RepeatedGossip.Drop drop -> {
                if (drop.penalty()) {
                    misbehaved(drop.repeats() + " messages it had already sent", shared.config().penalty());
                }
            }
        }
    }

    private void onHello(Frame.Hello hello) {
        PeerId claimed = TcpNetwork.peerId(remote.getAddress(), hello.listenPort());
        Optional<String> refusal = shared.handshake().refusal(hello)
                .or(() -> shared.bans().nodeRefusal(hello.nodeId()))
                .or(() -> shared.limits().handshakeDone(slot, shared.bans().isConfigured(claimed)));
        if (refusal.isPresent()) {
            closeWith(refusal.get(), true);
            return;
        }
        remoteNodeId = hello.nodeId();
        id = claimed;
        connectedSince = Instant.ofEpochMilli(shared.clock().millis());
        PeerRegistry.Outcome<PeerConnection> outcome = shared.registry().register(this);
        if (outcome instanceof PeerRegistry.Refused<PeerConnection> refused) {
            closeWith(refused.reason(), true);
            return;
        }
        open = true;
        handshakeTimer.cancel(false);
        if (direction == Direction.INBOUND) {
            write(shared.handshake().ours());
        }
        if (outcome instanceof PeerRegistry.Replaced<PeerConnection> replaced) {
            log.debug("{}: {} connection replaces the {} one", id, direction, replaced.previous().direction);
            replaced.previous().closeFromAnyThread("replaced by another connection between the same nodes");
        } else {
            log.info("peer {} connected ({})", id, direction.name().toLowerCase(java.util.Locale.ROOT));
            shared.listener().onPeerConnected(id);
        }
        if (dialed != null) {
            dialed.complete(id);
        }
    }

    /**
     * Adds to the peer's score (its node identity's, once it said hello); at the ban score, bans the
     * node, and its address unless peers in good standing are known there, and closes.
     */
    private void misbehaved(String reason, int points) {
        if (closeReason != null) {
            return;
        }
        HashKey node = remoteNodeId == null ? null : HashKey.of(remoteNodeId);
        score = node == null ? score + points : shared.scores().add(node, points);
        String who = id != null ? id.name() : TcpNetwork.peerId(remote.getAddress(), remote.getPort()).name();
        if (score < shared.config().banScore()) {
            log.info("peer {} penalized ({} of {}): {}", who, score, shared.config().banScore(), reason);
            return;
        }
        if (node != null) {
            shared.scores().forget(node);
        }
        InetAddress address = remote.getAddress();
        boolean addressBanned = shared.bans().ban(remoteNodeId, address, shared.otherPeersAt(address, this),
                shared.config().banDuration().toMillis());
        if (node == null && !addressBanned) {
            // no identity yet, and honest peers share its address: the connection goes, nobody is banned
            log.warn("peer {} dropped: {} (its address is not banned: honest peers are known there)", who, reason);
            closeWith("dropped: " + reason, true);
            return;
        }
        log.warn("peer {}{} banned for {} s{}: {}", who, node == null ? "" : " (node " + Bans.shortId(remoteNodeId) + ")",
                shared.config().banDuration().toSeconds(), addressBanned ? ", and its address"
                        : "; not its address, where honest peers are known", reason);
        closeWith("banned: " + reason, true);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            misbehaved("a frame over " + shared.config().maxFrameBytes() + " bytes", shared.config().banScore());
        } else if (cause instanceof DecoderException) {
            misbehaved("malformed framing: " + cause.getMessage(), shared.config().banScore());
        } else if (cause instanceof IOException) {
            closeWith(String.valueOf(cause.getMessage()), false);
        } else {
            log.error("internal error on the connection with {}: {}", remote, cause.toString(), cause);
            closeWith("internal error", false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof IdleStateEvent idle)) {
            ctx.fireUserEventTriggered(event);
        } else if (idle.state() == IdleState.READER_IDLE) {
            closeWith("silent for " + shared.config().idleTimeout().toMillis() + " ms", true);
        } else if (idle.state() == IdleState.WRITER_IDLE && open && closeReason == null) {
            write(new Frame.Ping());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (slot != null) {
            shared.limits().release(slot);
        }
        if (closeReason == null) {
            closeReason = "connection closed by the peer";
            finish();
        }
    }

    /**
     * Ends the peer's life for the layers above, as soon as the connection is doomed: it leaves the
     * registry, the listener hears of it, a dial waiting for it fails, and nothing it sends is delivered.
     */
    private void finish() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (shared.registry().remove(this)) {
            log.info("peer {} disconnected: {}", id, closeReason);
            shared.listener().onPeerDisconnected(id, closeReason);
        }
        if (dialed != null && !dialed.isDone()) {
            dialed.completeExceptionally(new TcpNetwork.DialFailedException(
                    TcpNetwork.peerId(remote.getAddress(), remote.getPort()) + ": " + closeReason));
        }
    }

    /** Closes the connection once; with {@code tellPeer}, after sending the reason in a farewell. */
    private void closeWith(String reason, boolean tellPeer) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        finish();
        Channel ch = channel;
        if (!tellPeer || !ch.isActive()) {
            ch.close();
            return;
        }
        // Half-close after the farewell and read on until the peer closes too: closing with its bytes
        // still unread would reset the connection, and the peer could lose the reason.
        ch.writeAndFlush(Unpooled.wrappedBuffer(WireFormat.encode(new Frame.Disconnect(reason))))
                .addListener(written -> {
                    if (written.isSuccess() && ch instanceof SocketChannel socket) {
                        socket.shutdownOutput();
                    } else {
                        ch.close();
                    }
                });
        ch.eventLoop().schedule(() -> ch.close(), slot != null ? FAREWELL_MILLIS : REFUSAL_FAREWELL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void write(Frame frame) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(WireFormat.encode(frame)), channel.voidPromise());
    }
}
