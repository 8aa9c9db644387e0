package mvpos.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import mvpos.cli.CommonHead;
import mvpos.testing.JavaProcess;
import mvpos.testing.Processes;
import mvpos.testing.SameHead;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four {@code mvpos node} processes (pos + Casper FFG), each on a host of its own (a network
 * namespace, see {@link NetnsLab}), cut into two groups: both sides keep producing, only a side with
 * 2/3 of the stake keeps finalizing; once the network heals, all four converge on one chain, the
 * other side's blocks are abandoned, finality goes on, and no block any node had finalized is
 * reverted.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class PartitionNetnsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 4;
    private static final int BASE_PORT = 30300;
    private static final int EPOCH_SLOTS = 8;

    @TempDir
    Path dir;

    private NetnsLab lab;
    private final Processes processes = new Processes();

    @AfterEach
    void tearDown() {
        processes.close();
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
        // Epochs of 8 slots of 400 ms: an even split's inactivity leak needs about 32 epochs (102 s) to give
        // each side 2/3 of its own chain's stake again, and a partition that lasts that long lets both sides
        // finalize, each on its own fork (the leak's known trade of safety for liveness). The cut here, plus
        // TCP's retransmission back-off after the heal (at most the cut's length again), stays well below.
        mvpos.cli.CliRun testnet = mvpos.cli.CliRun.run("testnet", "--validators", Integer.toString(NODES), "--engine", "pos",
                "--finality", "ffg", "--epoch", Integer.toString(EPOCH_SLOTS), "--slot", "400ms", "--hosts", String.join(",", hosts),
                "--base-port", Integer.toString(BASE_PORT), "--genesis-time", "now", "--out", dir.resolve("net").toString());
        assertThat(testnet.exitCode()).as(testnet.err()).isZero();
        for (int i = 0; i < NODES; i++) {
            start(i);
        }
        List<Integer> all = List.of(0, 1, 2, 3);
        CommonHead.Reading before = await(all, r -> finalizedEpoch(r.status(0)) >= 1,
                "four nodes on one chain, finalizing");
        String finalizedBefore = before.status(0).get("finalized").get("hash").asText();

        lab.partition(sideB);
        long cutAt = System.nanoTime();
        JsonNode atCut = await(List.of(0), r -> true, "node 0 answering at the cut").status(0);
        long heightAtCut = atCut.get("height").asLong();
        long finalizedAtCut = finalizedEpoch(atCut);
        // Each side goes on producing in its own validators' slots, on a fork of its own; a side with 2/3
        // of the stake goes on finalizing too. (Votes already on their way at the cut may still finalize
        // one epoch more anywhere.)
        // A side's "head" is the block all its nodes hold at one height past the cut.
        List<JsonNode> ends = new ArrayList<>();
        List<String> sideHeads = new ArrayList<>();
        for (List<Integer> side : List.of(sideA, sideB)) {
            boolean finalizes = 3 * side.size() >= 2 * NODES;
            CommonHead.Reading reading = await(side, r -> r.height() >= heightAtCut + 5
                    && (!finalizes || finalizedEpoch(r.status(side.get(0))) >= finalizedAtCut + 2),
                    "side " + side + " going on");
            JsonNode end = reading.status(side.get(0));
            if (!finalizes) {
                assertThat(finalizedEpoch(end)).as("side %s cannot finalize alone", side)
                        .isLessThanOrEqualTo(finalizedAtCut + 1);
            }
            ends.add(end);
            sideHeads.add(reading.majorityHash());
        }
        Map<Integer, String> finalizedDuringCut = new LinkedHashMap<>();
        for (int i : all) {
            JsonNode status = await(List.of(i), r -> true, "node " + i + " answering").status(i);
            finalizedDuringCut.put(i, status.get("finalized").get("hash").asText());
        }
        String headA = sideHeads.get(0);
        String headB = sideHeads.get(1);
        assertThat(knownCanonical(sideA.get(0), headB)).as("side A has not seen side B's head").isEmpty();
        assertThat(knownCanonical(sideB.get(0), headA)).as("side B has not seen side A's head").isEmpty();
        long highest = Math.max(ends.get(0).get("height").asLong(), ends.get(1).get("height").asLong());
        long finalizedHighest = Math.max(finalizedEpoch(ends.get(0)), finalizedEpoch(ends.get(1)));

        lab.heal();
        long healedAt = System.nanoTime();
        // A cut cable resets nothing: a connection that outlived the cut resumes only at TCP's next
        // retransmission, which backs off exponentially while the cut lasts (up to the cut's length, or
        // until the 60 s idle timeout closes it and the node redials every 2 s). So the nodes have 90 s
        // plus that much to converge: the wait follows how long this machine took to run the cut.
        Duration cut = Duration.ofNanos(healedAt - cutAt);
        Duration resume = cut.compareTo(Duration.ofSeconds(62)) < 0 ? cut : Duration.ofSeconds(62);
        CommonHead.Reading healed = await(all, r -> r.height() > highest + 2
                && finalizedEpoch(r.status(0)) > finalizedHighest, Duration.ofSeconds(90).plus(resume),
                "all four converging and finalizing after the heal (the cut lasted " + cut.toSeconds() + " s)");
        System.out.printf("partition %s | %s (%d s): cut at height %d (finalized epoch %d); heads then at %d and %d (finalized"
                + " %d and %d); %.1f s after the heal all at height %d, finalized epoch %d%n", sideA, sideB,
                cut.toSeconds(), heightAtCut,
                finalizedAtCut, ends.get(0).get("height").asLong(), ends.get(1).get("height").asLong(),
                finalizedEpoch(ends.get(0)), finalizedEpoch(ends.get(1)), (System.nanoTime() - healedAt) / 1e9,
                healed.height(), finalizedEpoch(healed.status(0)));
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
        processes.add(JavaProcess.start("node" + node, lab.onHost(node, List.of()), List.of("-Xmx160m",
                "-XX:TieredStopAtLevel=1"), List.of("node", "--home", dir.resolve("net").resolve("node" + node).toString()),
                dir.resolve("node" + node + ".log")));
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

    /** The body of a 200 answer, or empty (no answer, or another status): what {@link SameHead} reads. */
    private Optional<JsonNode> ok(int node, String path) throws IOException, InterruptedException {
        return get(node, path).filter(answer -> answer.getKey() == 200).map(Map.Entry::getValue);
    }

    /**
     * Waits until {@code nodes} name one block at one height and {@code condition} holds on that
     * reading; fails after 90 s with the reading and the nodes' last log lines.
     */
    private CommonHead.Reading await(List<Integer> nodes, Predicate<CommonHead.Reading> condition, String what)
            throws Exception {
        return await(nodes, condition, Duration.ofSeconds(90), what);
    }

    private CommonHead.Reading await(List<Integer> nodes, Predicate<CommonHead.Reading> condition, Duration wait,
            String what) throws Exception {
        return SameHead.await(nodes, this::ok, condition, wait, what, () -> {
            StringBuilder logs = new StringBuilder();
            for (int node : nodes) {
                logs.append('\n').append(processes.get(node).tail(15));
            }
            return logs.toString();
        });
    }
}
