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
 * namespace, see {@link NetnsLab}), cut into two groups: both sides keep producing, only a side with
 * 2/3 of the stake keeps finalizing; once the network heals, all four converge on one chain, the
 * other side's blocks are abandoned, finality goes on, and no block any node had finalized is
 * reverted.
 */
class PartitionNetnsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 4;
    private static final int BASE_PORT = 30300;

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

    /** 3 of 4 validators keep finalizing on their side; the one alone cannot, and its fork is abandoned. */
    @Test
    void aMajorityFinalizesThroughAPartitionAndTheMinorityRejoinsItsChain() throws Exception {
        partitionAndHeal(List.of(0, 1, 2), List.of(3));
    }

    /** Two against two: neither side can finalize; after the heal one fork wins and finality resumes. */
    @Test
    void anEvenSplitStallsFinalityUntilTheHealThenOneForkWins() throws Exception {
        partitionAndHeal(List.of(0, 1), List.of(2, 3));
    }

    /**
     * Runs four nodes (pos + FFG, equal stakes), cuts {@code sideB} off from {@code sideA}, lets both sides
     * go on, heals, and checks the convergence. A side finalizes during the cut only with at least 2/3
     * of the stake.
     */
    private void partitionAndHeal(List<Integer> sideA, List<Integer> sideB) throws Exception {
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

        lab.partition(sideB);
        long heightAtCut = status(0).orElseThrow().get("height").asLong();
        long finalizedAtCut = finalizedEpoch(status(0).orElseThrow());
        // Each side goes on producing in its own validators' slots, on a fork of its own; a side with 2/3
        // of the stake goes on finalizing too. (Votes already on their way at the cut may still finalize
        // one epoch more anywhere.)
        List<JsonNode> ends = new ArrayList<>();
        for (List<Integer> side : List.of(sideA, sideB)) {
            boolean finalizes = 3 * side.size() >= 2 * NODES;
            List<JsonNode> statuses = await(side, s -> sameHead(s) && s.get(0).get("height").asLong() >= heightAtCut + 5
                    && (!finalizes || finalizedEpoch(s.get(0)) >= finalizedAtCut + 2), "side " + side + " going on");
            if (!finalizes) {
                assertThat(finalizedEpoch(statuses.get(0))).as("side %s cannot finalize alone", side)
                        .isLessThanOrEqualTo(finalizedAtCut + 1);
            }
            ends.add(statuses.get(0));
        }
        Map<Integer, String> finalizedDuringCut = new LinkedHashMap<>();
        for (int i : all) {
            finalizedDuringCut.put(i, status(i).orElseThrow().get("finalized").get("hash").asText());
        }
        String headA = ends.get(0).get("head").asText();
        String headB = ends.get(1).get("head").asText();
        assertThat(knownCanonical(sideA.get(0), headB)).as("side A has not seen side B's head").isEmpty();
        assertThat(knownCanonical(sideB.get(0), headA)).as("side B has not seen side A's head").isEmpty();
        long highest = Math.max(ends.get(0).get("height").asLong(), ends.get(1).get("height").asLong());
        long finalizedHighest = Math.max(finalizedEpoch(ends.get(0)), finalizedEpoch(ends.get(1)));

        lab.heal();
        long healedAt = System.nanoTime();
        List<JsonNode> healed = await(all, s -> sameHead(s) && s.get(0).get("height").asLong() > highest + 2
                && finalizedEpoch(s.get(0)) > finalizedHighest, "all four converging and finalizing after the heal");
        System.out.printf("partition %s | %s: cut at height %d (finalized epoch %d); heads then at %d and %d (finalized"
                + " %d and %d); %.1f s after the heal all at height %d, finalized epoch %d%n", sideA, sideB, heightAtCut,
                finalizedAtCut, ends.get(0).get("height").asLong(), ends.get(1).get("height").asLong(),
                finalizedEpoch(ends.get(0)), finalizedEpoch(ends.get(1)), (System.nanoTime() - healedAt) / 1e9,
                healed.get(0).get("height").asLong(),
                finalizedEpoch(healed.get(0)));
        for (int i : all) {
            // Every checkpoint any node finalized, before or during the partition, is on every chain.
            assertThat(knownCanonical(i, finalizedBefore)).as("node %d keeps the checkpoint finalized before", i)
                    .contains(true);
            for (String hash : finalizedDuringCut.values()) {
                assertThat(knownCanonical(i, hash)).as("node %d keeps checkpoint %s", i, hash).contains(true);
            }
        }
        // One side's fork won on every node; the other side's nodes abandoned theirs (the winners may
        // never have fetched it).
        boolean aWon = knownCanonical(0, headA).orElse(false);
        String winner = aWon ? headA : headB;
        String loser = aWon ? headB : headA;
        List<Integer> losers = aWon ? sideB : sideA;
        for (int i : all) {
            assertThat(knownCanonical(i, winner)).as("node %d on the winning fork", i).contains(true);
            assertThat(knownCanonical(i, loser)).as("node %d off the losing fork", i)
                    .isNotEqualTo(Optional.of(true));
        }
        for (int i : losers) {
            assertThat(knownCanonical(i, loser)).as("node %d abandoned its own fork", i).contains(false);
        }
        if (3 * sideA.size() >= 2 * NODES) {
            assertThat(aWon).as("the finalizing side's chain wins").isTrue();
        }
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
