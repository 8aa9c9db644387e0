package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import mvpos.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code mvpos node --home} processes of a testnet on loopback: they converge on one head
 * and finalize; one is killed with -9, the chain moves on without it, and once restarted it catches
 * up from its peers.
 */
class TestnetProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    private int basePort;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private Process start(int node) throws IOException {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx192m",
                "-cp", System.getProperty("java.class.path"), "mvpos.cli.Main", "node", "--home",
                dir.resolve("net").resolve("node" + node).toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("node" + node + ".log").toFile()).start();
        processes.add(process);
        return process;
    }

    private Optional<JsonNode> status(int node) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + (basePort + 2 * node + 1) + "/status")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private List<JsonNode> awaitStatuses(List<Integer> nodes, Predicate<List<JsonNode>> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<JsonNode> last = List.of();
        while (System.nanoTime() < deadline) {
            List<JsonNode> all = new ArrayList<>();
            for (int node : nodes) {
                status(node).ifPresent(all::add);
            }
            if (all.size() == nodes.size() && condition.test(all)) {
                return all;
            }
            last = all;
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + "; last statuses: " + last);
    }

    private static boolean sameHead(List<JsonNode> statuses, long minHeight) {
        String head = statuses.get(0).get("head").asText();
        return statuses.stream().allMatch(s -> s.get("head").asText().equals(head)
                && s.get("height").asLong() >= minHeight);
    }

    @Test
    void nodesConvergeFinalizeAndARestartedNodeCatchesUp() throws Exception {
        basePort = LoopbackPorts.freeRange(8);
        int code = Main.commandLine().execute("testnet", "--validators", "3", "--engine", "poa", "--finality", "ffg",
                "--epoch", "4", "--slot", "300ms", "--base-port", Integer.toString(basePort), "--genesis-time", "now",
                "--out", dir.resolve("net").toString());
        assertThat(code).isZero();
        for (int node = 0; node < 3; node++) {
            start(node);
        }
        List<JsonNode> converged = awaitStatuses(List.of(0, 1, 2), s -> sameHead(s, 12)
                && s.get(0).get("finalized").get("epoch").asLong() > 0, "three nodes on one head, finalizing");
        long finalizedEpoch = converged.get(0).get("finalized").get("epoch").asLong();
        assertThat(finalizedEpoch).isPositive();

        // kill -9 node 2; the two others (2/3 of the stake) go on, and keep finalizing.
        processes.get(2).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long heightAtKill = converged.get(0).get("height").asLong();
        awaitStatuses(List.of(0, 1), s -> sameHead(s, heightAtKill + 8)
                && s.get(0).get("finalized").get("epoch").asLong() > finalizedEpoch, "the chain moving on without node 2");

        start(2);
        JsonNode leader = status(0).orElseThrow();
        long target = leader.get("height").asLong();
        List<JsonNode> caughtUp = awaitStatuses(List.of(0, 1, 2), s -> sameHead(s, target), "node 2 catching up");
        assertThat(caughtUp.get(2).get("genesis").asText()).isEqualTo(caughtUp.get(0).get("genesis").asText());
        JsonNode restarted = awaitStatuses(List.of(2), s -> s.get(0).get("peers").asInt() == 2, "node 2's peers").get(0);
        assertThat(restarted.get("syncing").asBoolean()).isFalse();
        HttpResponse<String> peers = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (basePort + 5)
                + "/peers")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode list = JSON.readTree(peers.body());
        assertThat(list).hasSize(2);
        List<String> ids = new ArrayList<>();
        list.forEach(p -> ids.add(p.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder("127.0.0.1:" + basePort, "127.0.0.1:" + (basePort + 2));
    }

    /**
     * Node 3 joins late, when the others have a chain of 20 blocks: it syncs it. It knows only node 0,
     * and nobody knows node 3: it meets nodes 1 and 2 by peer exchange.
     */
    @Test
    void aNodeJoiningLateSyncsAndFindsPeersBeyondItsBootstrapByPeerExchange() throws Exception {
        basePort = LoopbackPorts.freeRange(8);
        int code = Main.commandLine().execute("testnet", "--validators", "4", "--engine", "poa", "--slot", "300ms",
                "--base-port", Integer.toString(basePort), "--genesis-time", "now", "--out", dir.resolve("net").toString());
        assertThat(code).isZero();
        for (int node = 0; node < 4; node++) {
            java.nio.file.Path config = dir.resolve("net").resolve("node" + node).resolve("config.json");
            com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                    JSON.readTree(config.toFile());
            com.fasterxml.jackson.databind.node.ArrayNode peers = json.putArray("peers");
            if (node == 3) {
                peers.add("127.0.0.1:" + basePort);
            } else {
                for (int other = 0; other < 3; other++) {
                    if (other != node) {
                        peers.add("127.0.0.1:" + (basePort + 2 * other));
                    }
                }
            }
            JSON.writeValue(config.toFile(), json);
        }
        for (int node = 0; node < 3; node++) {
            start(node);
        }
        long before = awaitStatuses(List.of(0, 1, 2), s -> sameHead(s, 20), "three nodes on one head").get(0)
                .get("height").asLong();
        start(3);
        awaitStatuses(List.of(3), s -> s.get(0).get("peers").asInt() == 3, "node 3 connected to all three others");
        awaitStatuses(List.of(0, 1, 2, 3), s -> sameHead(s, before + 2), "four nodes on one head");
    }
}
