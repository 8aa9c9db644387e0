package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import mvpos.testing.Eventually;
import mvpos.testing.JavaProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lobby process that may open few files ({@code ulimit -n 512}) under a flood of idle sockets: it
 * holds no more clients than it has descriptors for, refuses the rest in one line each, says so in a
 * summary line, and prints no stack trace (before, "Too many open files" came with one every second).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LobbyDescriptorLimitTest {
    private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");
    private static final Pattern CAPACITY = Pattern.compile("at most (\\d+) clients");
    private static final Pattern REFUSED_SUMMARY = Pattern.compile("connections over the limits");
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path data;

    @Test
    void aFloodOfIdleSocketsIsCappedBelowTheFileLimitWithoutAStackTrace() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/bin/bash").canExecute(), "needs bash for ulimit");
        List<String> output;
        List<Socket> flood = new ArrayList<>();
        try (JavaProcess lobby = JavaProcess.start("lobby", JavaProcess.openFileLimit(512), List.of("-Xmx128m"),
                List.of("lobby", "--port", "0", "--data", data.toString(), "--max-per-address", "100000",
                        "--round", "1h"), null)) {
            int port = Integer.parseInt(lobby.awaitLine(LISTENING, START).group(1));
            int capacity = Integer.parseInt(lobby.awaitLine(CAPACITY, START).group(1));
            assertThat(capacity).as("clients held by a process that may open 512 files").isBetween(1, 512 - 128);

            for (int i = 0; i < capacity + 40; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                flood.add(socket);
            }
            lobby.awaitLine(REFUSED_SUMMARY, RawLobbyClient.WAIT);
            for (Socket socket : flood) {
                socket.close();
            }
            flood.clear();
            // Once the flood is gone, a newcomer is served: each one tried is either served (the prompt)
            // or refused (its connection closed) while the lobby still counts the flood.
            Eventually.value(() -> {
                try (RawLobbyClient newcomer = RawLobbyClient.reading("127.0.0.1", port)) {
                    Eventually.holds(() -> newcomer.closedByServer()
                            || newcomer.received().contains(Lobby.BALANCE_PROMPT), RawLobbyClient.WAIT,
                            "an answer to a newcomer");
                    return newcomer.received().contains(Lobby.BALANCE_PROMPT) ? Optional.of(true) : Optional.empty();
                } catch (IOException e) {
                    return Optional.empty();
                }
            }, START, () -> "a prompt for a newcomer once the flood is gone; " + lobby.tail(10));
            lobby.close();
            output = lobby.output();
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        assertThat(output).as("the lobby's output").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
    }
}
