package mvpos.lobby;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real TCP client of the lobby, the way a person at {@code nc} sees it: the server's output is
 * cut into messages, each a line or a prompt (the prompts end without a newline, as in the tutorial).
 */
final class LobbyTestClient implements AutoCloseable {
    static final String END_OF_STREAM = "<closed>";
    /** A deadline for lines that do come; generous for a loaded machine, never a verdict. */
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final Thread reader;

    LobbyTestClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        out = socket.getOutputStream();
        reader = new Thread(this::readLoop, "test-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        StringBuilder pending = new StringBuilder();
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (char c : new String(buffer, 0, n, StandardCharsets.UTF_8).toCharArray()) {
                    if (c == '\n') {
                        if (!pending.isEmpty()) {
                            messages.add(pending.toString());
                        }
                        pending.setLength(0);
                        continue;
                    }
                    pending.append(c);
                    String text = pending.toString();
                    if (text.equals(Lobby.BALANCE_PROMPT) || text.equals(Lobby.BPM_PROMPT)) {
                        messages.add(text);
                        pending.setLength(0);
                    }
                }
            }
        } catch (IOException e) {
            // closed
        }
        if (!pending.isEmpty()) {
            messages.add(pending.toString());
        }
        messages.add(END_OF_STREAM);
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendLine(String line) throws IOException {
        send(line + "\n");
    }

    /** The next message, or fails after the wait. */
    String next() throws InterruptedException {
        return next(DEFAULT_WAIT);
    }

    String next(Duration wait) throws InterruptedException {
        String message = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message from the lobby within " + wait);
        }
        return message;
    }

    /** Skips messages until one matches; fails if the stream ends or nothing matches in time. */
    String await(Predicate<String> wanted, String what) throws InterruptedException {
        return await(wanted, what, DEFAULT_WAIT);
    }

    String await(Predicate<String> wanted, String what, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            String message = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("no " + what + " within " + wait + "; got " + skipped);
            }
            if (wanted.test(message)) {
                return message;
            }
            if (message.equals(END_OF_STREAM)) {
                throw new AssertionError("connection closed before " + what + "; got " + skipped);
            }
            skipped.add(message);
        }
    }

    /** Answers the balance prompt and returns the address the lobby assigns. */
    String register(long stake) throws IOException, InterruptedException {
        await(Lobby.BALANCE_PROMPT::equals, "balance prompt");
        sendLine(Long.toString(stake));
        String reply = await(m -> m.startsWith("your validator address: "), "registration");
        await(Lobby.BPM_PROMPT::equals, "BPM prompt");
        return reply.substring("your validator address: ".length(), "your validator address: ".length() + 64);
    }

    String awaitWinner() throws InterruptedException {
        return await(m -> m.startsWith(Lobby.WINNER_PREFIX), "winner announcement")
                .substring(Lobby.WINNER_PREFIX.length());
    }

    boolean isClosedByServer(Duration wait) throws InterruptedException {
        try {
            await(END_OF_STREAM::equals, "end of stream", wait);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
