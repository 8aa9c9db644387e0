package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
    void anUnknownEngineListsTheAvailableOnes() {
        CliRun run = CliRun.run("devnet", "--engine", "proof-of-nothing", "--seed", "1", "--blocks", "1");
        assertThat(run.exitCode()).isEqualTo(1);
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

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void withProcessesTheNodesAreSeparateProcessesAndPrintTheSameLines() throws Exception {
        CliRun run = CliRun.run("devnet", "--processes", "--engine", "poa", "--validators", "2", "--slot", "300ms",
                "--blocks", "5", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
        for (String line : lines) {
            JsonNode head = JSON.readTree(line);
            for (String field : List.of("node", "height", "slot", "hash", "parent", "proposer", "engine")) {
                assertThat(head.has(field)).as("field %s in %s", field, line).isTrue();
            }
        }
        assertThat(run.err()).contains("2 node processes").contains("2/2 nodes on head");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
    }
}
