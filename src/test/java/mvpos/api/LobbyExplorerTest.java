package mvpos.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import mvpos.api.explorer.Explorer;
import mvpos.api.explorer.ExplorerServer;
import mvpos.api.explorer.LobbyFeed;
import mvpos.crypto.HashDrbg;
import mvpos.lobby.LobbyServer;
import mvpos.node.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The lobby's explorer: two validators join with real TCP clients and propose; the explorer shows the
 * chain with their BPMs, and each validator's rounds, wins and the wins its share of stake expects.
 */
@Timeout(120)
class LobbyExplorerTest {
    @TempDir
    Path dir;

    @Test
    void theValidatorsTheirStakesAndWinsAgainstTheirShare() throws Exception {
        LobbyServer.Settings settings = new LobbyServer.Settings("127.0.0.1", 0, Duration.ofMillis(300),
                Duration.ofMinutes(10), dir, 4096);
        try (LobbyServer lobby = LobbyServer.start(settings, SystemClock.INSTANCE, new HashDrbg(5))) {
            Explorer explorer = LobbyFeed.attach(lobby, StrictJson.mapper(), System::currentTimeMillis);
            try (ExplorerServer server = ExplorerServer.start(explorer, "127.0.0.1", 0);
                 Socket small = join(lobby.port(), 100); Socket large = join(lobby.port(), 300)) {
                for (int round = 0; round < 3; round++) {
                    propose(small, 60 + round);
                    propose(large, 70 + round);
                    long before = explorer.lobby().orElseThrow().rounds();
                    mvpos.testing.Eventually.holds(() -> explorer.lobby().orElseThrow().rounds() > before,
                            Duration.ofSeconds(60), "round " + (before + 1) + " ended");
                }
                JsonNode validators = get(server, "/explorer/validators").get("validators");
                assertThat(validators).hasSize(2);
                long won = 0;
                double expected = 0;
                for (JsonNode v : validators) {
                    assertThat(v.get("rounds").asLong()).isEqualTo(3);
                    won += v.get("won").asLong();
                    expected += v.get("expected").asDouble();
                    assertThat(v.get("expected").asDouble()).isCloseTo(v.get("stake").asLong() == 100 ? 0.75 : 2.25,
                            org.assertj.core.data.Offset.offset(1e-9));
                }
                assertThat(won).isEqualTo(3);
                assertThat(expected).isCloseTo(3, org.assertj.core.data.Offset.offset(1e-9));
                JsonNode tree = get(server, "/explorer/tree?from=0&to=100");
                java.util.Set<String> addresses = new java.util.HashSet<>();
                validators.forEach(v -> addresses.add(v.get("address").asText()));
                assertThat(tree.get("blocks")).hasSize(4);
                for (int height = 1; height <= 3; height++) {
                    JsonNode block = tree.get("blocks").get(height);
                    assertThat(block.get("proposer").asText()).isIn(addresses);
                    assertThat(block.get("note").asText()).matches("BPM (6|7)" + (height - 1) + ", .*");
                }

                if (java.nio.file.Files.isExecutable(Browser.CHROMIUM)) {
                    try (Browser browser = Browser.open()) {
                        browser.driver.get("http://127.0.0.1:" + server.port() + "/#/validators");
                        new WebDriverWait(browser.driver, Duration.ofSeconds(20))
                                .until(d -> d.findElements(By.cssSelector("#validators tbody tr")).size() == 2);
                        browser.screenshot("explorer-lobby-validators");
                        browser.driver.get("http://127.0.0.1:" + server.port() + "/#/");
                        new WebDriverWait(browser.driver, Duration.ofSeconds(20))
                                .until(d -> d.findElements(By.cssSelector("#tree-0 .block.canonical")).size() >= 4);
                        browser.screenshot("explorer-lobby-chain");
                        assertThat(browser.consoleErrors()).isEmpty();
                    }
                }
            }
        }
    }

    private static Socket join(int port, long stake) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        readUntil(socket, "Enter token balance:");
        send(socket, stake + "\n");
        readUntil(socket, "Enter a new BPM:");
        return socket;
    }

    private static void propose(Socket socket, int bpm) throws Exception {
        send(socket, bpm + "\n");
    }

    private static void send(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void readUntil(Socket socket, String prompt) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(prompt)) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("the lobby closed before '" + prompt + "': " + seen);
            }
            seen.append((char) c);
        }
    }

    private static JsonNode get(ExplorerServer server, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
