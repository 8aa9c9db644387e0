package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import mvpos.cli.CliRun;
import mvpos.testing.Eventually;
import mvpos.testing.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvpos node --dev} as a real process, driven by the wallet commands through its HTTP API;
 * then killed with kill -9 and restarted on the same RocksDB data.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NodeDevEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /**
     * A node --dev process on an API port it chose itself (port 0) and printed: no port is picked
     * free by the test and then taken by someone else before the node binds it.
     */
    private static final class DevNode implements AutoCloseable {
        private static final Pattern LISTENING = Pattern.compile("HTTP API on http://[^:]+:(\\d+)");
        final JavaProcess process;
        final int port;

        DevNode(Path data, Path log) throws Exception {
            process = JavaProcess.mvpos("node --dev", log, "node", "--dev", "--data", data.toString(), "--api-port", "0",
                    "--block-time", "200ms");
            try {
                port = Integer.parseInt(process.awaitLine(LISTENING, Duration.ofSeconds(90)).group(1));
            } catch (Exception | AssertionError e) {
                process.close();
                throw e;
            }
        }

        List<String> output() {
            return process.output();
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        void killHard() {
            process.killHard();
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /** A port on which nothing listens, held (bound, not listening) so that nothing can start listening on it. */
    private static Socket unlistenedPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    private HttpResponse<String> request(String url, String method, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        builder = body == null ? builder.GET() : builder.method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String url) throws Exception {
        return JSON.readTree(request(url, "GET", null).body());
    }

    private long balanceOf(DevNode node, String address) throws Exception {
        return get(node.url() + "/accounts/" + address).path("balance").asLong();
    }

    private void awaitBalance(DevNode node, String address, long expected) throws Exception {
        Eventually.holds(() -> balanceOf(node, address) == expected, Duration.ofSeconds(60),
                "balance of " + address + " at " + expected);
    }

    @Test
    void transfersThroughTheCliAndNoReportedBlockIsLostAfterKillDashNine() throws Exception {
        Path data = dir.resolve("chain");
        String bob = CliRun.run("keys", "new", "--out", dir.resolve("bob.key").toString()).out().lines().findFirst()
                .orElseThrow().substring("address ".length());
        Path devKey = data.resolve("dev.key");
        long reportedHeight;
        String reportedHash;
        try (DevNode node = new DevNode(data, dir.resolve("first.log"))) {
            assertThat(node.output()).anyMatch(l -> l.contains("developer key: " + devKey));
            String node1 = "--node=" + node.url();
            for (int amount : new int[] {100, 200, 300}) {
                CliRun sent = CliRun.run("tx", "send", "--to", bob, "--amount", Integer.toString(amount), "--key",
                        devKey.toString(), node1);
                assertThat(sent.exitCode()).as(sent.err()).isZero();
                assertThat(sent.out()).startsWith("sent " + amount + " to " + bob).contains("is pending");
            }
            awaitBalance(node, bob, 600);

            CliRun staked = CliRun.run("tx", "stake", "--amount", "50", "--key", dir.resolve("bob.key").toString(), node1, "--json");
            assertThat(staked.exitCode()).as(staked.err()).isZero();
            awaitBalance(node, bob, 549);
            CliRun account = CliRun.run("account", bob, node1);
            assertThat(account.out()).contains("balance  549", "stake    50", "nonce    1");

            // A transaction the sender cannot pay is refused with the reason, and nothing changes.
            CliRun tooMuch = CliRun.run("tx", "send", "--to", bob,
                    "--amount", "1000000", "--key", dir.resolve("bob.key").toString(), node1);
            assertThat(tooMuch.exitCode()).isEqualTo(1);
            assertThat(tooMuch.err()).startsWith("mvpos: error: the node says: refused: INSUFFICIENT_BALANCE");

            // Malformed and oversize requests get a 4xx with a reason, and the node keeps serving.
            HttpResponse<String> malformed = request(node.url() + "/transactions", "POST", "{not json");
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(malformed.body()).path("error").asText()).startsWith("not a transaction");
            HttpResponse<String> oversize = request(node.url() + "/transactions", "POST", "x".repeat(200_000));
            assertThat(oversize.statusCode()).isEqualTo(413);
            assertThat(request(node.url() + "/blocks/abc", "GET", null).statusCode()).isEqualTo(400);
            assertThat(request(node.url() + "/blocks/999999", "GET", null).statusCode()).isEqualTo(404);
            assertThat(request(node.url() + "/accounts/xyz", "GET", null).statusCode()).isEqualTo(400);

            CliRun latest = CliRun.run("block", "latest", node1, "--json");
            assertThat(JSON.readTree(latest.out()).path("height").asLong()).isPositive();

            JsonNode status = get(node.url() + "/status");
            reportedHeight = status.path("height").asLong();
            reportedHash = get(node.url() + "/blocks/" + reportedHeight).path("hash").asText();
            JsonNode byHash = get(node.url() + "/blocks/" + reportedHash);
            assertThat(byHash.path("height").asLong()).isEqualTo(reportedHeight);
            assertThat(byHash.path("canonical").asBoolean()).isTrue();
            assertThat(request(node.url() + "/blocks/" + "ab".repeat(32), "GET", null).statusCode()).isEqualTo(404);
            assertThat(request(node.url() + "/blocks/" + "zz".repeat(32), "GET", null).statusCode()).isEqualTo(400);
            node.killHard(); // while it keeps producing blocks every 200 ms
        }

        try (DevNode restarted = new DevNode(data, dir.resolve("restarted.log"))) {
            JsonNode block = get(restarted.url() + "/blocks/" + reportedHeight);
            assertThat(block.path("hash").asText()).isEqualTo(reportedHash);
            assertThat(balanceOf(restarted, bob)).isEqualTo(549);
            // It goes on producing on top of what it had.
            Eventually.holds(() -> get(restarted.url() + "/status").path("height").asLong() > reportedHeight + 2,
                    Duration.ofSeconds(60), "the restarted node producing on top of height " + reportedHeight);
        }
    }

    @Test
    void theWalletSaysClearlyWhenNoNodeIsThere() throws Exception {
        Path key = dir.resolve("k.key");
        CliRun.run("keys", "new", "--out", key.toString());
        CliRun run;
        try (Socket nobody = unlistenedPort()) {
            run = CliRun.run("tx", "send", "--to", "00".repeat(20), "--amount", "1", "--key", key.toString(),
                    "--node=http://127.0.0.1:" + nobody.getLocalPort());
        }
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach the node at http://127.0.0.1:");
        List<String> lines = new ArrayList<>(run.err().lines().toList());
        assertThat(lines).hasSize(1);
        assertThat(Files.exists(key)).isTrue();
    }
}
