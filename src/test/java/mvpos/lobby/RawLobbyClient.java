package mvpos.lobby;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A plain socket to the lobby from any loopback address (127.0.0.2 looks like another host), for
 * hostile clients: it reads only when asked to, so a test can be a client that never reads, and
 * gathers what it read as one text to search.
 */
final class RawLobbyClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Socket socket;
    private final OutputStream out;
    private final StringBuilder received = new StringBuilder();
    private volatile boolean closedByServer;
    private Thread reader;

    /**
     * @param receiveBuffer the socket's receive buffer in bytes (small, for a client that does not read),
     *                      or 0 for the system's
     */
    RawLobbyClient(String localIp, int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(InetAddress.getByName(localIp), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        out = socket.getOutputStream();
    }

    /** A client that reads everything the lobby sends, from now on. */
    static RawLobbyClient reading(String localIp, int port) throws IOException {
        RawLobbyClient client = new RawLobbyClient(localIp, port, 0);
        client.startReading();
        return client;
    }

    void startReading() {
        reader = new Thread(this::readLoop, "raw-lobby-client");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                synchronized (received) {
                    received.append(text);
                }
            }
        } catch (IOException e) {
            // reset by the server, or closed here
        }
        closedByServer = true;
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    String received() {
        synchronized (received) {
            return received.toString();
        }
    }

    /** How many times {@code text} occurs in what was read so far. */
    int count(String text) {
        String all = received();
        int count = 0;
        for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + text.length())) {
            count++;
        }
        return count;
    }

    void awaitText(String text) throws InterruptedException {
        await(() -> received().contains(text), "'" + text + "'");
    }

    void awaitClosedByServer() throws InterruptedException {
        await(() -> closedByServer, "the end of the connection");
    }

    boolean closedByServer() {
        return closedByServer;
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " from the lobby within " + WAIT + "; got: " + tail());
            }
            Thread.sleep(10);
        }
    }

    private String tail() {
        String all = received();
        return all.length() > 300 ? "..." + all.substring(all.length() - 300) : all;
    }

    /** Waits for something other threads make true, or fails after {@link #WAIT} saying what. */
    static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + WAIT);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
