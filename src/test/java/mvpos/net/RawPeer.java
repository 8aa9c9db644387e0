package mvpos.net;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain TCP socket that speaks the wire format by hand (or not at all): what a hostile or broken
 * peer looks like to a {@link TcpNetwork}. It reads every frame the network sends into a queue.
 */
final class RawPeer implements AutoCloseable {
    /** Put in the queue when the network closes the connection. */
    static final Object CLOSED = "<closed>";

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

    /** Connects to {@code 127.0.0.1:port} from {@code localIp} (another loopback address, to look like another host). */
    RawPeer(String localIp, int port) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localIp), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        out = socket.getOutputStream();
        Thread reader = new Thread(this::readLoop, "raw-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    RawPeer(int port) throws IOException {
        this("127.0.0.1", port);
    }

    private void readLoop() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                int length = in.readInt();
                byte[] frame = new byte[length];
                in.readFully(frame);
                received.add(WireFormat.decode(frame));
            }
        } catch (EOFException e) {
            // closed by the network
        } catch (IOException | RuntimeException e) {
            received.add(e);
        }
        received.add(CLOSED);
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(Frame frame) throws IOException {
        sendRaw(framed(frame));
    }

    /** A frame as it goes on the wire: its length, then its encoding. */
    static byte[] framed(Frame frame) {
        byte[] bytes = WireFormat.encode(frame);
        return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
    }

    /** The next thing the network sent: a {@link Frame}, or {@link #CLOSED}; fails after the wait. */
    Object next(Duration wait) throws InterruptedException {
        Object next = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("nothing from the network within " + wait);
        }
        return next;
    }

    /** Everything the network sent so far and nobody took yet (frames, then {@link #CLOSED} if it closed). */
    java.util.List<Object> drain() {
        java.util.List<Object> all = new java.util.ArrayList<>();
        received.drainTo(all);
        return all;
    }

    /** Sends a hello and returns the network's answer: its hello, a disconnect, {@link #CLOSED} or an error. */
    Object handshake(Frame.Hello hello) throws IOException, InterruptedException {
        send(hello);
        return next(Duration.ofSeconds(30));
    }

    /** Expects a disconnect, then the end of the connection; returns the reason. */
    String awaitDisconnect(Duration wait) throws InterruptedException {
        Object next = next(wait);
        while (next instanceof Frame.Ping) {
            next = next(wait);
        }
        if (!(next instanceof Frame.Disconnect disconnect)) {
            throw new AssertionError("expected a disconnect, got " + next);
        }
        awaitClosed(wait);
        return disconnect.reason();
    }

    /** Expects the connection to end (after any frames) within the wait. */
    void awaitClosed(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Object next = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("the connection is still open after " + wait);
            }
            if (next == CLOSED) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
