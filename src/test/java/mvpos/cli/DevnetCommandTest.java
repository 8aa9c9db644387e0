package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mvpos.testing.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvpos devnet} as a user runs it, in process. */
class DevnetCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSeededRunPrintsOneJsonLinePerNewHeadAndIsTheSameByteForByte() throws Exception {
        String[] args = {"devnet", "--engine", "poa", "--validators", "3", "--slot", "100ms", "--blocks", "12",
            "--seed", "42", "--json"};
        CliRun first = CliRun.run(args);
        CliRun second = CliRun.run(args);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());

        List<String> lines = first.out().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(12);
        long previousHeight = 0;
        String previousHash = null;
        for (String line : lines) {
            JsonNode head = JSON.readTree(line);
            for (String field : List.of("node", "height", "slot", "hash", "parent", "proposer", "engine")) {
                assertThat(head.has(field)).as("field %s in %s", field, line).isTrue();
            }
            assertThat(head.get("engine").asText()).isEqualTo("poa");
            assertThat(head.get("height").asLong()).isEqualTo(previousHeight + 1);
            if (previousHash != null) {
                assertThat(head.get("parent").asText()).isEqualTo(previousHash);
            }
            previousHeight = head.get("height").asLong();
            previousHash = head.get("hash").asText();
        }
        assertThat(first.err()).contains("3/3 nodes on head");
    }

    @Test
    void anotherSeedGivesAnotherChain() {
        CliRun a = CliRun.run("devnet", "--engine", "poa", "--validators", "2", "--blocks", "5", "--seed", "1", "--json");
        CliRun b = CliRun.run("devnet", "--engine", "poa", "--validators", "2", "--blocks", "5", "--seed", "2", "--json");
        assertThat(a.exitCode()).isZero();
        assertThat(b.out()).isNotEqualTo(a.out());
    }

    @Test
    void theTextOutputNamesHeightSlotProposerAndHash() {
        CliRun run = CliRun.run("devnet", "--engine", "pow", "--validators", "2", "--slot", "200ms", "--blocks", "5",
                "--seed", "3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("height +1 +slot +1 +proposer node\\d");
        assertThat(run.out()).contains("devnet pow: 2 validators, head at height 5");
        assertThat(run.out()).contains("2/2 nodes on head");
    }

    @Test
    void anEngineThatRefusesTheFinalityGadgetSaysSoInOneLine() {
        CliRun run = CliRun.run("devnet", "--engine", "bft", "--finality", "ffg", "--seed", "1", "--blocks", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("bft engine commits every block final itself");
        assertThat(run.err().lines().count()).isEqualTo(1);
    }

    @Test
    void anUnknownEngineListsTheAvailableOnes() {
        CliRun run = CliRun.run("devnet", "--engine", "proof-of-nothing", "--seed", "1", "--blocks", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown engine 'proof-of-nothing'; available: ").contains("poa").contains("pow")
                .contains("pos");
        assertThat(run.err().lines().count()).isEqualTo(1);
    }

    @Test
    void badNumbersAreOneLineErrors() {
        CliRun none = CliRun.run("devnet", "--validators", "0", "--seed", "1");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("--validators must be between 1 and 100000");
        CliRun slot = CliRun.run("devnet", "--slot", "soon", "--seed", "1");
        assertThat(slot.exitCode()).isEqualTo(2);
        assertThat(slot.err()).contains("soon");
    }

    /**
     * {@code --fork-choice} names the rule in the devnet's genesis: a pos devnet with LMD-GHOST and FFG
     * agrees on one head and finalizes, a seeded run is the same twice, and the chain differs from the
     * default rule's only where the genesis does (its hash); an unknown rule or parameter is exit 2.
     */
    @Test
    void theForkChoiceRuleIsChosenWithAFlag() throws Exception {
        String[] lmd = {"devnet", "--engine", "pos", "--validators", "4", "--slot", "100ms", "--blocks", "24",
            "--seed", "5", "--finality", "ffg", "--epoch", "4", "--fork-choice", "lmd-ghost",
            "--fork-choice-param", "proposerBoost=40", "--json"};
        CliRun run = CliRun.run(lmd);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"event\":\"finalized\"");
        assertThat(run.err()).contains("4/4 nodes on head");
        assertThat(CliRun.run(lmd).out()).isEqualTo(run.out());
        mvpos.sim.Devnet.Config config = mvpos.sim.Devnet.Config.seeded("pos", 4, 100, 5);
        assertThat(new mvpos.sim.Devnet(config.withForkChoice("lmd-ghost", java.util.Map.of()), head -> { })
                .genesis().forkChoice()).isEqualTo("lmd-ghost");
        assertThat(new mvpos.sim.Devnet(config, head -> { }).genesis().forkChoice())
                .isEqualTo(mvpos.chain.Genesis.DEFAULT_FORK_CHOICE);

        CliRun unknown = CliRun.run("devnet", "--seed", "1", "--blocks", "1", "--fork-choice", "coin-toss");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip().lines()).hasSize(1);
        assertThat(unknown.err()).contains("coin-toss");
        CliRun badParam = CliRun.run("devnet", "--engine", "pos", "--seed", "1", "--blocks", "1", "--fork-choice",
                "lmd-ghost", "--fork-choice-param", "proposerBoost=lots");
        assertThat(badParam.exitCode()).isEqualTo(2);
        assertThat(badParam.err().strip().lines()).hasSize(1);
    }

    /**
     * The seeded devnet is the same byte for byte in another JVM (not only twice in this one): nothing in
     * it depends on the process, its start time, hash codes or thread timing.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aSeededRunIsTheSameByteForByteInAnotherJvm(@TempDir Path dir) throws Exception {
        String[] args = {"devnet", "--engine", "poa", "--validators", "3", "--slot", "100ms", "--blocks", "12",
            "--seed", "42", "--json"};
        CliRun here = CliRun.run(args);
        assertThat(here.exitCode()).as(here.err()).isZero();
        try (JavaProcess other = JavaProcess.mvpos("devnet", dir.resolve("devnet.log"), args)) {
            assertThat(other.process().waitFor(120, TimeUnit.SECONDS)).as("the other JVM finished").isTrue();
            assertThat(other.process().exitValue()).as(other.tail(20)).isZero();
            other.awaitLine(java.util.regex.Pattern.compile("nodes on head"), Duration.ofSeconds(10));
            List<String> lines = other.output().stream().filter(l -> l.startsWith("{")).toList();
            assertThat(String.join("\n", lines) + "\n").isEqualTo(here.out().replace(System.lineSeparator(), "\n"));
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void withProcessesTheNodesAreSeparateProcessesAndPrintTheSameLines() throws Exception {
        CliRun run = CliRun.run("devnet", "--processes", "--engine", "poa", "--validators", "2", "--slot", "300ms",
                "--blocks", "5", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // The same lines as the in-process devnet: the same fields in the same order, for every height.
        List<String> inProcessFields = new ArrayList<>();
        JSON.readTree(CliRun.run("devnet", "--engine", "poa", "--validators", "2", "--blocks", "1", "--seed", "1",
                "--json").out().lines().findFirst().orElseThrow()).fieldNames().forEachRemaining(inProcessFields::add);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
        java.util.Set<Long> heights = new java.util.TreeSet<>();
        for (String line : lines) {
            JsonNode head = JSON.readTree(line);
            List<String> fields = new ArrayList<>();
            head.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as(line).isEqualTo(inProcessFields);
            assertThat(head.get("engine").asText()).isEqualTo("poa");
            assertThat(head.get("proposerNode").asInt()).isBetween(0, 1);
            assertThat(head.get("hash").asText()).matches("[0-9a-f]{64}");
            heights.add(head.get("height").asLong());
        }
        assertThat(heights).contains(1L, 2L, 3L, 4L, 5L);
        assertThat(run.err()).contains("2 node processes").contains("2/2 nodes on head");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
    }

    /**
     * The bft engine over real TCP between four node processes: its proposals and votes travel as engine
     * messages, its round timeouts are the nodes' own timers; every height gets exactly one block.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void bftCommitsOneBlockPerHeightBetweenSeparateProcesses() throws Exception {
        CliRun run = CliRun.run("devnet", "--processes", "--engine", "bft", "--validators", "4", "--slot", "200ms",
                "--blocks", "8", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        java.util.Map<Long, java.util.Set<String>> hashes = new java.util.TreeMap<>();
        for (String line : run.out().lines().toList()) {
            JsonNode head = JSON.readTree(line);
            assertThat(head.get("engine").asText()).isEqualTo("bft");
            assertThat(head.get("reorgDepth").asInt()).as(line).isZero();
            hashes.computeIfAbsent(head.get("height").asLong(), h -> new java.util.TreeSet<>())
                    .add(head.get("hash").asText());
        }
        assertThat(hashes.keySet()).contains(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(hashes.values()).allSatisfy(h -> assertThat(h).as("blocks at one height").hasSize(1));
        assertThat(run.err()).contains("4 node processes").contains("4/4 nodes on head");
    }
}
