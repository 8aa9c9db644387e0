package mvpos.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mvpos.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mvpos bench votes} at a tiny size: every epoch justified, all but the last finalized; no timing is checked. */
class VoteBenchTest {
    private static final VoteBench.Config TINY = new VoteBench.Config(30, 3, 4, 1_000, 7);

    @Test
    void aTinyRunJustifiesEveryEpochAndFinalizesAllButTheLast() {
        List<String> lines = new ArrayList<>();
        VoteBench.Report report = VoteBench.run(TINY, lines::add);

        assertThat(report.epochs()).hasSize(3);
        for (VoteBench.EpochFigures epoch : report.epochs()) {
            assertThat(epoch.votes()).isEqualTo(30);
            assertThat(epoch.justifiedEpoch()).isEqualTo(epoch.epoch());
            assertThat(epoch.finalizedEpoch()).isEqualTo(epoch.epoch() - 1);
        }
        assertThat(report.totalVotes()).isEqualTo(90);
        assertThat(report.verifyPerSecond()).isPositive();
        assertThat(report.countPerSecond()).isPositive();
        assertThat(report.config().epochSeconds()).isEqualTo(4.0);
        assertThat(report.figures()).containsEntry("justifiedEpoch", 3L).containsEntry("finalizedEpoch", 2L)
                .containsKeys("verifyVotesPerSecondAllCores", "countVotesPerSecondOneThread", "meanEpochSeconds",
                        "shareOfEpoch", "keepsUp", "perEpoch");
        assertThat(lines).anyMatch(l -> l.startsWith("epoch 1: 30 votes verified in "));
        assertThat(lines).anyMatch(l -> l.startsWith("epoch 3: 30 votes verified in ") && l.endsWith("justified 3, finalized 2"));
        assertThat(lines).anyMatch(l -> l.matches("(keeps up|falls behind): 30 votes take [0-9.]+ s of a 4 s epoch .*"));
        assertThat(lines).anyMatch(l -> l.endsWith("latest justified 3, finalized 2"));
    }

    @Test
    void theSameSeedSignsTheSameVotes() {
        VoteBench.Config small = new VoteBench.Config(4, 2, 2, 500, 3);
        assertThat(VoteBench.setUp(small).votes()).isEqualTo(VoteBench.setUp(small).votes());
    }

    @Test
    void theCommandPrintsOneJsonObject() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("bench", "votes", "--validators", "12", "--epochs", "2", "--epoch-slots", "2",
                "--slot", "500ms", "--json")).isZero();
        assertThat(out.toString().lines()).hasSize(1);
        Map<?, ?> figures = new ObjectMapper().readValue(out.toString(), Map.class);
        assertThat(figures.get("validators")).isEqualTo(12);
        assertThat(figures.get("epochSeconds")).isEqualTo(1.0);
        assertThat(figures.get("justifiedEpoch")).isEqualTo(2);
        assertThat(figures.get("finalizedEpoch")).isEqualTo(1);
    }

    @Test
    void refusesBadSizesWithOneLine() {
        assertOneLine("--validators must be between 1 and 1000000, got 0", "--validators", "0");
        assertOneLine("--epochs must be between 1 and 1000, got 0", "--epochs", "0");
        assertOneLine("--epoch-slots must be between 2 and 64, got 65", "--epoch-slots", "65");
        assertOneLine("--validators x --epochs must be at most 1000000 (every vote is signed beforehand and held "
                + "in memory), got 20000000", "--validators", "20000", "--epochs", "1000");
        assertOneLine("--validators: at most 28672 validators' votes fit in the 7 blocks of an epoch of 8 slots that "
                + "carry them, got 1000000", "--validators", "1000000");
        assertOneLine("--slot: '0s' is zero; a duration must be positive", "--slot", "0s");
        assertOneLine("--slot: 'soon' is not a duration; write it like 500ms, 2s, 1m or 1m30s", "--slot", "soon");
    }

    private static void assertOneLine(String message, String... flags) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        String[] args = new String[flags.length + 2];
        args[0] = "bench";
        args[1] = "votes";
        System.arraycopy(flags, 0, args, 2, flags.length);
        assertThat(cli.execute(args)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("mvpos: error: " + message + System.lineSeparator());
    }
}
