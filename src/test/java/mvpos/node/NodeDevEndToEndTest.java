package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mvpos.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvpos node --dev} as a real process, driven by the wallet commands through its HTTP API;
 * then killed with kill -9 and restarted on the same RocksDB data.
 */
class NodeDevEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** A node --dev process on a free API port. */
    private static final class DevNode implements AutoCloseable {
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final int port;

        DevNode(Path data, int port) throws Exception {
            this.port = port;
            process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), "mvpos.cli.Main", "node", "--dev", "--data", data.toString(),
                    "--api-port", Integer.toString(port), "--block-time", "200ms").redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        output.add(line);
                    }
                } catch (IOException e) {
                    // ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (output.stream().noneMatch(l -> l.contains("HTTP API on"))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("node did not start: " + output);
                }
                Thread.sleep(50);
            }
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        void killHard() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    killHard();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (balanceOf(node, address) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("balance of " + address + " is " + balanceOf(node, address) + ", not " + expected);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void transfersThroughTheCliAndNoReportedBlockIsLostAfterKillDashNine() throws Exception {
        Path data = dir.resolve("chain");
        int port = freePort();
        String bob = CliRun.run("keys", "new", "--out", dir.resolve("bob.key").toString()).out().lines().findFirst()
                .orElseThrow().substring("address ".length());
        Path devKey = data.resolve("dev.key");
        long reportedHeight;
        String reportedHash;
        try (DevNode node = new DevNode(data, port)) {
            assertThat(node.output).anyMatch(l -> l.contains("developer key: " + devKey));
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

        try (DevNode restarted = new DevNode(data, port)) {
            JsonNode block = get(restarted.url() + "/blocks/" + reportedHeight);
            assertThat(block.path("hash").asText()).isEqualTo(reportedHash);
            assertThat(balanceOf(restarted, bob)).isEqualTo(549);
            // It goes on producing on top of what it had.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (get(restarted.url() + "/status").path("height").asLong() <= reportedHeight + 2) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void theWalletSaysClearlyWhenNoNodeIsThere() throws Exception {
        Path key = dir.resolve("k.key");
        CliRun.run("keys", "new", "--out", key.toString());
        CliRun run = CliRun.run("tx", "send", "--to", "00".repeat(20), "--amount", "1", "--key", key.toString(),
                "--node=http://127.0.0.1:" + freePort());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach the node at http://127.0.0.1:");
        List<String> lines = new ArrayList<>(run.err().lines().toList());
        assertThat(lines).hasSize(1);
        assertThat(Files.exists(key)).isTrue();
    }
}
