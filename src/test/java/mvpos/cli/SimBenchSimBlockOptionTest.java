package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench sim --simblock DIR} refuses a directory that is not a SimBlock checkout before any simulation
 * runs: one line, exit code 2, nothing on standard output.
 */
class SimBenchSimBlockOptionTest {
    @TempDir
    Path dir;

    private static void assertOneLineBadValue(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("mvpos: error: ").contains(fragments);
        assertThat(run.out()).as("no mvpos run before the check").isEmpty();
    }

    @Test
    void aDirectoryThatDoesNotExistIsABadValue() {
        CliRun run = CliRun.run("bench", "sim", "--nodes", "10", "--blocks", "1", "--simblock",
                dir.resolve("nonexistent").toString());

        assertOneLineBadValue(run, "--simblock ", "no such directory", "(see 'mvpos bench sim --help')");
    }

    @Test
    void aDirectoryWithoutSimBlocksSourcesIsABadValue() throws Exception {
        Files.writeString(dir.resolve("README.md"), "not simblock\n");

        CliRun run = CliRun.run("bench", "sim", "--nodes", "10", "--blocks", "1", "--simblock", dir.toString());

        assertOneLineBadValue(run, "not a SimBlock checkout",
                "simulator/src/main/java/simblock/settings/SimulationConfiguration.java");
    }

    @Test
    void aScenarioRunsOnceAsWrittenAndABadOneIsABadValue() throws Exception {
        Path scenario = dir.resolve("small.yaml");
        Files.writeString(scenario, "engine: pos\nfinality: ffg\nepoch: 4\nnodes: 3\nvalidators: 9\nrun: {slots: 24}\n");
        CliRun run = CliRun.run("bench", "sim", "--scenario", scenario.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).as(run.out()).hasSize(1);
        assertThat(run.out()).contains("nodes 3  validators 9  blocks 24").contains("3 of 3 on one head")
                .contains("invariants ok").containsPattern("finalized epoch [1-9]");

        Files.writeString(scenario, "engine: pos\nnodes: -1\n");
        assertOneLineBadValue(CliRun.run("bench", "sim", "--scenario", scenario.toString()), "--scenario ", "nodes");
        assertOneLineBadValue(CliRun.run("bench", "sim", "--scenario", dir.resolve("none.yaml").toString()),
                "no such file");
    }
}
