package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @TempDir
    Path data;

    @Test
    void aFloodOfIdleSocketsIsCappedBelowTheFileLimitWithoutAStackTrace() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/bin/bash").canExecute(), "needs bash for ulimit");
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = "ulimit -n 512 && exec '" + java + "' -Xmx128m -cp '" + System.getProperty("java.class.path")
                + "' mvpos.cli.Main lobby --port 0 --data '" + data + "' --max-per-address 100000 --round 1h";
        Process lobby = new ProcessBuilder("/bin/bash", "-c", command).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(lobby.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "lobby-output");
        reader.setDaemon(true);
        reader.start();
        List<Socket> flood = new ArrayList<>();
        try {
            RawLobbyClient.awaitCondition(() -> output.stream().anyMatch(l -> LISTENING.matcher(l).find()),
                    "line saying where the lobby listens: " + output);
            int port = first(output, LISTENING);
            int capacity = first(output, CAPACITY);
            assertThat(capacity).as("clients held by a process that may open 512 files").isBetween(1, 512 - 128);

            for (int i = 0; i < capacity + 40; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                flood.add(socket);
            }
            RawLobbyClient.awaitCondition(() -> output.stream().anyMatch(l -> l.contains("connections over the limits")),
                    "summary of refused connections: " + output);
            for (Socket socket : flood) {
                socket.close();
            }
            flood.clear();
            // Once the flood is gone, a newcomer is served.
            RawLobbyClient.awaitCondition(() -> {
                try (RawLobbyClient newcomer = RawLobbyClient.reading("127.0.0.1", port)) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (System.nanoTime() < deadline && !newcomer.closedByServer()
                            && !newcomer.received().contains(Lobby.BALANCE_PROMPT)) {
                        Thread.sleep(10);
                    }
                    return newcomer.received().contains(Lobby.BALANCE_PROMPT);
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, "prompt for a newcomer");
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
            lobby.destroy();
            if (!lobby.waitFor(20, TimeUnit.SECONDS)) {
                lobby.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5_000);
        }
        assertThat(output).as("the lobby's output").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
    }

    private static int first(List<String> output, Pattern pattern) {
        for (String line : output) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no line matching " + pattern + " in " + output);
    }
}
