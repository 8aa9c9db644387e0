package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import mvpos.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four {@code mvpos node} processes (pos + Casper FFG), each on a host of its own (a network
 * namespace, see {@link NetnsLab}), cut into a majority of three and a minority of one: both sides
 * keep producing, only the majority (3/4 of the stake) keeps finalizing; once the network heals, all
 * four converge on the majority's chain, the minority's blocks are abandoned, and no block any node
 * had finalized is reverted.
 */
class PartitionNetnsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 4;
    private static final int BASE_PORT = 30300;
    private static final List<Integer> MAJORITY = List.of(0, 1, 2);
    private static final List<Integer> MINORITY = List.of(3);

    @TempDir
    Path dir;

    private NetnsLab lab;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void bothSidesOfAPartitionGoOnAndConvergeWithoutRevertingFinalizedBlocks() throws Exception {
        String unavailable = NetnsLab.unavailableBecause();
        Assumptions.assumeTrue(unavailable == null, () -> "no network namespaces here: " + unavailable);
        lab = NetnsLab.create(NODES);
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            hosts.add(NetnsLab.address(i));
        }
        int code = Main.commandLine().execute("testnet", "--validators", Integer.toString(NODES), "--engine", "pos",
                "--finality", "ffg", "--epoch", "4", "--slot", "400ms", "--hosts", String.join(",", hosts),
                "--base-port", Integer.toString(BASE_PORT), "--genesis-time", "now", "--out", dir.resolve("net").toString());
        assertThat(code).isZero();
        for (int i = 0; i < NODES; i++) {
            start(i);
        }
        List<Integer> all = List.of(0, 1, 2, 3);
        List<JsonNode> before = await(all, s -> sameHead(s) && finalizedEpoch(s.get(0)) >= 1,
                "four nodes on one head, finalizing");
        String finalizedBefore = before.get(0).get("finalized").get("hash").asText();

        lab.partition(MINORITY);
        JsonNode cut = status(0).orElseThrow();
        long majorityFinalizedAtCut = finalizedEpoch(cut);
        long minorityHeightAtCut = status(3).orElseThrow().get("height").asLong();
        // The majority (3 of 4 validators) keeps producing and finalizing; the minority produces in its
        // own slots on a fork of its own, and cannot justify anything with a quarter of the stake.
        List<JsonNode> majority = await(MAJORITY, s -> sameHead(s) && finalizedEpoch(s.get(0)) >= majorityFinalizedAtCut + 2,
                "the majority finalizing on its own");
        JsonNode minority = await(MINORITY, s -> s.get(0).get("height").asLong() >= minorityHeightAtCut + 2,
                "the minority producing on its own").get(0);
        String minorityHead = minority.get("head").asText();
        assertThat(knownCanonical(0, minorityHead)).as("the majority has not seen the minority's head")
                .isEqualTo(Optional.empty());
        // (Votes already on their way at the cut may still finalize one epoch more on the minority's side.)
        long minorityFinalized = finalizedEpoch(status(3).orElseThrow());
        assertThat(minorityFinalized).as("the minority cannot finalize alone")
                .isLessThanOrEqualTo(majorityFinalizedAtCut + 1)
                .isLessThan(finalizedEpoch(majority.get(0)));
        Map<Integer, String> finalizedDuringCut = new LinkedHashMap<>();
        for (int i : all) {
            finalizedDuringCut.put(i, status(i).orElseThrow().get("finalized").get("hash").asText());
        }
        long majorityHeight = majority.get(0).get("height").asLong();

        lab.heal();
        List<JsonNode> healed = await(all, s -> sameHead(s) && s.get(0).get("height").asLong() > majorityHeight + 2
                && finalizedEpoch(s.get(3)) > majorityFinalizedAtCut, "all four converging after the heal");
        String head = healed.get(0).get("head").asText();
        System.out.printf("partition: at the cut finalized epoch %d, minority height %d; during it the majority reached"
                + " height %d, the minority %d (head %s); after the heal all at height %d, finalized epoch %d%n",
                majorityFinalizedAtCut, minorityHeightAtCut, majorityHeight, minority.get("height").asLong(),
                minorityHead.substring(0, 12), healed.get(0).get("height").asLong(), finalizedEpoch(healed.get(0)));
        for (int i : all) {
            // Every checkpoint any node finalized, before or during the partition, is on every chain.
            assertThat(knownCanonical(i, finalizedBefore)).as("node %d keeps the checkpoint finalized before", i)
                    .contains(true);
            for (String hash : finalizedDuringCut.values()) {
                assertThat(knownCanonical(i, hash)).as("node %d keeps checkpoint %s", i, hash).contains(true);
            }
        }
        assertThat(knownCanonical(3, minorityHead)).as("the minority's own fork is abandoned").contains(false);
        assertThat(head).isNotEqualTo(minorityHead);
    }

    private void start(int node) throws IOException {
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx160m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "mvpos.cli.Main", "node",
                "--home", dir.resolve("net").resolve("node" + node).toString());
        Process process = new ProcessBuilder(lab.onHost(node, command)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("node" + node + ".log").toFile()).start();
        processes.add(process);
    }

    /** The node's answer: the JSON body and the HTTP status, or empty when the node did not answer. */
    private Optional<Map.Entry<Integer, JsonNode>> get(int node, String path) throws IOException, InterruptedException {
        String out = lab.run(node, List.of("curl", "-s", "-m", "3", "-w", "\n%{http_code}",
                "http://127.0.0.1:" + (BASE_PORT + 2 * node + 1) + path), 10);
        if (out == null) {
            return Optional.empty();
        }
        int newline = out.lastIndexOf('\n');
        int code = Integer.parseInt(out.substring(newline + 1).strip());
        return Optional.of(Map.entry(code, JSON.readTree(out.substring(0, newline))));
    }

    private Optional<JsonNode> status(int node) throws IOException, InterruptedException {
        return get(node, "/status").filter(answer -> answer.getKey() == 200).map(Map.Entry::getValue);
    }

    /** Whether the node has the block on its chain; empty if the node does not know the block (404). */
    private Optional<Boolean> knownCanonical(int node, String hash) throws IOException, InterruptedException {
        Map.Entry<Integer, JsonNode> answer = get(node, "/blocks/" + hash)
                .orElseThrow(() -> new AssertionError("node " + node + " did not answer"));
        if (answer.getKey() == 404) {
            return Optional.empty();
        }
        assertThat(answer.getKey()).as("GET /blocks/%s on node %d: %s", hash, node, answer.getValue()).isEqualTo(200);
        return Optional.of(answer.getValue().get("canonical").asBoolean());
    }

    private static long finalizedEpoch(JsonNode status) {
        return status.get("finalized").get("epoch").asLong();
    }

    private static boolean sameHead(List<JsonNode> statuses) {
        String head = statuses.get(0).get("head").asText();
        return statuses.stream().allMatch(s -> s.get("head").asText().equals(head));
    }

    private List<JsonNode> await(List<Integer> nodes, Predicate<List<JsonNode>> condition, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        List<JsonNode> last = List.of();
        while (System.nanoTime() < deadline) {
            List<JsonNode> statuses = new ArrayList<>();
            for (int node : nodes) {
                status(node).ifPresent(statuses::add);
            }
            if (statuses.size() == nodes.size() && condition.test(statuses)) {
                return statuses;
            }
            last = statuses;
            Thread.sleep(300);
        }
        StringBuilder logs = new StringBuilder();
        for (int node : nodes) {
            List<String> lines = Files.readAllLines(dir.resolve("node" + node + ".log"));
            logs.append("\n--- node ").append(node).append(" (last lines) ---\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        throw new AssertionError("timed out waiting for " + what + "; last statuses: " + last + logs);
    }
}
