package mvpos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvpos sim} as a user runs it, in process. */
class SimCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private CliRun badScenario(String yaml) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, yaml);
        return CliRun.run("sim", file.toString(), "--quiet");
    }

    @Test
    void aBadScenarioIsOneLineNamingTheFileAndTheKeyWithExitCode2() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"validators: 4\nvalidatorz: 5\n", "validatorz: unknown key"},
                new String[] {"network: {loss: -0.1}\n", "network.loss: must be from 0.0 to 0.99, not -0.1"},
                new String[] {"nodes: 4\nfaults:\n  - {type: partition, groups: [[0, 1], [2, 99]]}\n",
                    "faults[0].groups[1]: names node 99, but there are 4 nodes"},
                new String[] {"run: {duration: ten}\n", "run.duration: 'ten' is not a duration"},
                new String[] {"validators: many\n", "validators: must be a whole number, not 'many'"},
                new String[] {"engine: nope\n", "engine: unknown engine 'nope'"});
        for (String[] c : cases) {
            CliRun run = badScenario(c[0]);
            assertThat(run.exitCode()).as(c[0]).isEqualTo(2);
            assertThat(run.err().strip()).as(c[0]).doesNotContain("\n").doesNotContain("Exception")
                    .startsWith("mvpos: error: " + dir.resolve("bad.yaml") + ": ").contains(c[1]);
        }
        CliRun flags = CliRun.run("sim", "--nodes", "0", "--quiet");
        assertThat(flags.exitCode()).isEqualTo(2);
        assertThat(flags.err()).contains("(flags): nodes: must be from 1");
    }

    @Test
    void theSameSeedGivesTheSameOutputByteForByte() throws Exception {
        Path scenario = dir.resolve("lossy.yaml");
        Files.writeString(scenario, """
                engine: pos
                finality: ffg
                epoch: 4
                slot: 500ms
                nodes: 10
                validators: 8
                stake: {distribution: pareto, shape: 1.5, min: 1000}
                network:
                  topology: {type: random, outbound: 3}
                  latency: {model: lognormal, median: 40ms, sigma: 0.5}
                  bandwidth: 20
                  loss: 0.02
                  duplication: 0.02
                  reordering: 0.1
                workload: {tps: 4}
                faults:
                  - {type: crash, node: 2, at: 5s, restart: 10s}
                  - {type: skew, node: 3, by: 200ms}
                run: {slots: 60}
                """);
        CliRun first = CliRun.run("sim", scenario.toString(), "--seed", "7", "--out", dir.resolve("a").toString(),
                "--quiet");
        CliRun second = CliRun.run("sim", scenario.toString(), "--seed", "7", "--out", dir.resolve("b").toString(),
                "--quiet");
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("invariants: ok").isEqualTo(second.out());
        for (String name : List.of("summary.jsonl", "blocks-7.csv", "validators-7.csv", "index.html")) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(name)));
        }
        assertThat(Files.readAllLines(dir.resolve("a/blocks-7.csv")).size()).isGreaterThan(20);
        String page = Files.readString(dir.resolve("a/index.html"));
        assertThat(page).as("the page opens offline").doesNotContain("http://").doesNotContain("https://")
                .contains("<script src=\"uPlot.iife.min.js\"></script>");
        assertThat(dir.resolve("a/uPlot.iife.min.js")).exists();
        assertThat(page).contains("Highest block over virtual time").contains("to 50% of nodes")
                .contains("to 90% of nodes").contains("to 100% of nodes").contains("Proposals against stake share")
                .contains("\"label\":\"expected\"").contains("Finality lag over virtual time")
                .contains("<td>invariants</td><td>ok</td>");
        // the validators' proposals in the chart are the CSV's
        List<String> validators = Files.readAllLines(dir.resolve("a/validators-7.csv"));
        String proposals = validators.stream().skip(1).map(line -> line.split(",")[3] + ".0")
                .collect(java.util.stream.Collectors.joining(","));
        assertThat(page).contains("\"values\":[" + proposals + "]");
        CliRun other = CliRun.run("sim", scenario.toString(), "--seed", "8", "--quiet");
        assertThat(other.out()).isNotEqualTo(first.out());
    }

    @Test
    void aPartitionHealsAndEveryNodeConvergesWithFinalityBack() throws Exception {
        CliRun run = CliRun.run("sim", "scenarios/partition-heal.yaml", "--json", "--quiet");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode report = JSON.readTree(run.out().lines().findFirst().orElseThrow());
        assertThat(report.get("violation").isNull()).isTrue();
        assertThat(report.get("nodesOnTheSameHead").asInt()).isEqualTo(report.get("nodes").asInt());
        assertThat(report.get("reorgDepths").size()).as("the smaller side reorganised onto the other").isPositive();
        // healed at 80 s with 4-slot epochs of 1 s: finality went on past the heal
        assertThat(report.get("finalizedEpoch").asLong()).isGreaterThan(80 / 4);
    }

    @Test
    void moreThanAThirdByzantineIsReportedAsAnAgreementViolationWithTheReplayCommand() throws Exception {
        CliRun run = CliRun.run("sim", "scenarios/byzantine.yaml", "--quiet");
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("VIOLATION of agreement")
                .contains("slashable stake proven: 4000 of 10000 (40.0%), validators [6, 7, 8, 9]")
                .contains("replay: mvpos sim scenarios/byzantine.yaml --seed 4");
        CliRun campaign = CliRun.run("sim", "scenarios/byzantine.yaml", "--seeds", "1..5");
        assertThat(campaign.exitCode()).isEqualTo(1);
        for (int s = 1; s <= 5; s++) {
            assertThat(campaign.out()).as("seed " + s).contains("seed " + s + ": VIOLATION agreement")
                    .contains("replay: mvpos sim scenarios/byzantine.yaml --seed " + s);
        }
        assertThat(campaign.out()).contains("seeds 5  violations 5");
    }

    @Test
    void lessThanAThirdByzantineFinalizesOneSideOnlyAndViolatesNothing() throws Exception {
        String yaml = Files.readString(Path.of("scenarios/byzantine.yaml"))
                .replace("byzantine: [6, 7, 8, 9]", "byzantine: [7, 8, 9]").replace("[3, 4, 5]]", "[3, 4, 5, 6]]");
        assertThat(yaml).contains("byzantine: [7, 8, 9]").contains("[3, 4, 5, 6]]");
        Path scenario = dir.resolve("thirty.yaml");
        Files.writeString(scenario, yaml);
        CliRun campaign = CliRun.run("sim", scenario.toString(), "--seeds", "1..3");
        assertThat(campaign.exitCode()).as(campaign.out() + campaign.err()).isZero();
        assertThat(campaign.out()).contains("seeds 3  violations 0").doesNotContain("finalized epoch 0 ");
    }

    @Test
    void aCampaignWithRandomFaultsOfHonestNodesFindsNoViolation() {
        CliRun run = CliRun.run("sim", "--validators", "8", "--finality", "ffg", "--epoch", "4", "--slots", "60",
                "--topology", "random", "--random-faults", "--seeds", "1..3");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("seed 1: ok").contains("seed 2: ok").contains("seed 3: ok")
                .contains("seeds 3  violations 0");
    }

    @Test
    void aSweepRunsTheScenarioOncePerValue() {
        CliRun run = CliRun.run("sim", "--engine", "poa", "--validators", "4", "--slots", "20", "--sweep",
                "slot=500ms,2s");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out().lines().toList()).hasSize(2);
        assertThat(run.out()).contains("slot=500ms: blocks").contains("slot=2s: blocks");
        CliRun bad = CliRun.run("sim", "--sweep", "slot=fast");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("(flags): slot: 'fast' is not a duration");
    }
}
