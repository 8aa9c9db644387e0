package mvpos.lobby;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tutorial's lobby left a goroutine spinning at 100% CPU for each client that disconnected; this
 * one costs no CPU for idle clients or for departed ones. A lobby process with 200 idle clients, 100
 * of which left abruptly (in the middle of a line), must come to rest: a two-second window in which
 * it uses under a tenth of a core. A spinning client alone would use a whole one. The machine's load changes how much CPU a
 * spinning server would get, not how little an idle one uses, so the verdict does not depend on the
 * machine's speed.
 */
class LobbyIdleCpuTest {
    private static final int CLIENTS = 200;

    @TempDir
    Path data;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void idleAndDepartedClientsCostNoCpu() throws Exception {
        try (LobbyProcess lobby = new LobbyProcess(data, "--round", "1h", "--broadcast", "1h")) {
            List<Socket> sockets = new ArrayList<>();
            try {
                byte[] prompt = Lobby.BALANCE_PROMPT.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < CLIENTS; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", lobby.port()), 10_000);
                    socket.setSoTimeout(30_000);
                    sockets.add(socket);
                    InputStream in = socket.getInputStream();
                    assertThat(in.readNBytes(prompt.length)).as("the prompt, client %d", i).isEqualTo(prompt);
                    OutputStream out = socket.getOutputStream();
                    out.write(i % 2 == 0 ? "10\n7".getBytes(StandardCharsets.US_ASCII) : "1".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                // Half of them leave abruptly, mid-line.
                for (int i = 0; i < CLIENTS; i += 2) {
                    sockets.get(i).setSoLinger(true, 0);
                    sockets.get(i).close();
                }
                try (LobbyTestClient last = new LobbyTestClient(lobby.port())) {
                    last.register(5);
                }
                // The lobby must come to rest: some two-second window within 60 s in which it uses under a
                // tenth of a core (what the JIT or the collector still had to do may take the first ones).
                // A client spinning on its closed socket would keep every window busy.
                List<String> windows = new ArrayList<>();
                boolean quiet = false;
                for (int attempt = 0; attempt < 30 && !quiet; attempt++) {
                    Duration before = lobby.cpuTime();
                    long start = System.nanoTime();
                    Thread.sleep(2000); // a measuring window (a rate), not a wait for something to happen
                    Duration used = lobby.cpuTime().minus(before);
                    Duration window = Duration.ofNanos(System.nanoTime() - start);
                    windows.add(used.toMillis() + " ms in " + window.toMillis() + " ms");
                    quiet = used.compareTo(window.dividedBy(10)) < 0;
                }
                assertThat(quiet).as("a quiet window; CPU used: %s", windows).isTrue();
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }
}
