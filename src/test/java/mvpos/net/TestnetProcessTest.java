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
import mvpos.cli.CommonHead;
import mvpos.testing.JavaProcess;
import mvpos.testing.Processes;
import mvpos.testing.SameHead;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code mvpos node --home} processes of a testnet on loopback: they converge on one head
 * and finalize; one is killed with -9, the chain moves on without it, and once restarted it catches
 * up from its peers. "On one chain" is read as every node naming the same block at one height (see
 * {@link SameHead}), never as heads polled one after the other inside a slot.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TestnetProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Processes processes = new Processes();

    @TempDir
    Path dir;

    private int basePort;

    @AfterEach
    void stopAll() {
        processes.close();
    }

    private JavaProcess start(int node) throws IOException {
        return JavaProcess.start("node" + node, List.of(), List.of("-Xmx192m"), List.of("node", "--home",
                dir.resolve("net").resolve("node" + node).toString()), dir.resolve("node" + node + ".log"));
    }

    private Optional<JsonNode> get(int node, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + (basePort + 2 * node + 1) + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The nodes' last log lines, for a failure message. */
    private String logs(List<Integer> nodes) {
        StringBuilder text = new StringBuilder();
        for (int node : nodes) {
            text.append('\n').append(processes.get(node).tail(15));
        }
        return text.toString();
    }

    /** Waits until {@code nodes} hold one block at one height, at least {@code minHeight}, and {@code more} holds. */
    private CommonHead.Reading awaitSameChain(List<Integer> nodes, long minHeight,
            java.util.function.Predicate<CommonHead.Reading> more, String what) throws Exception {
        return SameHead.await(nodes, this::get, r -> r.height() >= minHeight && more.test(r), WAIT, what,
                () -> logs(nodes));
    }

    private List<JsonNode> awaitStatuses(List<Integer> nodes, java.util.function.Predicate<List<JsonNode>> condition,
            String what) throws Exception {
        return SameHead.awaitStatuses(nodes, this::get, condition, WAIT, what, () -> logs(nodes));
    }

    private static long finalizedEpoch(JsonNode status) {
        return status.get("finalized").get("epoch").asLong();
    }

    @Test
    void nodesConvergeFinalizeAndARestartedNodeCatchesUp() throws Exception {
        basePort = LoopbackPorts.freeRange(8);
        mvpos.cli.CliRun testnet = mvpos.cli.CliRun.run("testnet", "--validators", "3", "--engine", "poa", "--finality", "ffg",
                "--epoch", "4", "--slot", "300ms", "--base-port", Integer.toString(basePort), "--genesis-time", "now",
                "--out", dir.resolve("net").toString());
        assertThat(testnet.exitCode()).as(testnet.err()).isZero();
        for (int node = 0; node < 3; node++) {
            processes.add(start(node));
        }
        CommonHead.Reading converged = awaitSameChain(List.of(0, 1, 2), 12,
                r -> finalizedEpoch(r.status(0)) > 0, "three nodes on one chain, finalizing");
        long finalizedEpoch = finalizedEpoch(converged.status(0));
        assertThat(finalizedEpoch).isPositive();

        // kill -9 node 2; the two others (2/3 of the stake) go on, and keep finalizing.
        processes.get(2).killHard();
        long heightAtKill = converged.height();
        CommonHead.Reading without = awaitSameChain(List.of(0, 1), heightAtKill + 8,
                r -> finalizedEpoch(r.status(0)) > finalizedEpoch, "the chain moving on without node 2");

        processes.set(2, start(2));
        long target = without.height();
        CommonHead.Reading caughtUp = awaitSameChain(List.of(0, 1, 2), target, r -> true, "node 2 catching up");
        assertThat(caughtUp.status(2).get("genesis").asText()).isEqualTo(caughtUp.status(0).get("genesis").asText());
        JsonNode restarted = awaitStatuses(List.of(2), s -> s.get(0).get("peers").asInt() == 2
                && !s.get(0).get("syncing").asBoolean(), "node 2 with both peers, not syncing").get(0);
        assertThat(restarted.get("syncing").asBoolean()).isFalse();
        JsonNode list = get(2, "/peers").orElseThrow(() -> new AssertionError("node 2 did not answer /peers"));
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
        mvpos.cli.CliRun testnet = mvpos.cli.CliRun.run("testnet", "--validators", "4", "--engine", "poa", "--slot", "300ms",
                "--base-port", Integer.toString(basePort), "--genesis-time", "now", "--out", dir.resolve("net").toString());
        assertThat(testnet.exitCode()).as(testnet.err()).isZero();
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
            processes.add(start(node));
        }
        long before = awaitSameChain(List.of(0, 1, 2), 20, r -> true, "three nodes on one chain").height();
        processes.add(start(3));
        awaitStatuses(List.of(3), s -> s.get(0).get("peers").asInt() == 3, "node 3 connected to all three others");
        awaitSameChain(List.of(0, 1, 2, 3), before + 2, r -> true, "four nodes on one chain");
    }
}
