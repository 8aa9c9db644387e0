package mvpos.net;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Keeps what a {@link TcpNetwork} tells its node, for a test to wait for. */
final class RecordingListener implements TcpNetwork.Listener {
    /** A deadline for events that do come (a frame, a connection), generous for a loaded machine; never a verdict. */
    static final Duration WAIT = Duration.ofSeconds(30);

    record Received(PeerId from, Message message) {
    }

    record Disconnected(PeerId peer, String reason) {
    }

    final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<PeerId> connected = new LinkedBlockingQueue<>();
    final BlockingQueue<Disconnected> disconnected = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(PeerId from, Message message) {
        messages.add(new Received(from, message));
    }

    @Override
    public void onPeerConnected(PeerId peer) {
        connected.add(peer);
    }

    @Override
    public void onPeerDisconnected(PeerId peer, String reason) {
        disconnected.add(new Disconnected(peer, reason));
    }

    Received nextMessage() throws InterruptedException {
        return take(messages, "message");
    }

    PeerId nextConnected() throws InterruptedException {
        return take(connected, "connected peer");
    }

    Disconnected nextDisconnected() throws InterruptedException {
        return take(disconnected, "disconnection");
    }

    private static <T> T take(BlockingQueue<T> queue, String what) throws InterruptedException {
        T next = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("no " + what + " within " + WAIT);
        }
        return next;
    }
}
