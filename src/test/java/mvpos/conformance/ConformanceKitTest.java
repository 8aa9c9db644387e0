package mvpos.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import mvpos.cli.CliRun;
import org.junit.jupiter.api.Test;

/** The kit run against engines from outside the main code: one that conforms, one that does not. */
class ConformanceKitTest {

    private static String lines(ConformanceReport report) {
        return report.results().stream().map(ConformanceReport.Result::line).collect(Collectors.joining("\n"));
    }

    @Test
    void theWorkedExampleEngineFromTheDocsPassesTheKit() {
        ConformanceReport report = ConformanceSuite.standard().run("luck", Map.of());
        assertThat(report.passed()).as(lines(report)).isTrue();
    }

    @Test
    void anEngineWhoseSealMovesTheTimestampFailsAndItsHeadersNeverLeaveTheNode() {
        ConformanceReport report = ConformanceSuite.standard().run(TamperingEngine.NAME, Map.of());
        assertThat(report.passed()).isFalse();
        ConformanceReport.Result sealCheck = report.results().stream()
                .filter(r -> r.check().equals("seal-changes-only-the-seal")).findFirst().orElseThrow();
        assertThat(sealCheck.passed()).isFalse();
        // The validator refuses the header before it is added or sent: the devnet runs fail, naming the engine.
        ConformanceReport.Result growth = report.results().get(0);
        assertThat(growth.passed()).isFalse();
        assertThat(growth.failure()).contains("engine 'tampering-poa' sealed a header with timestamp changed");
        assertThat(report.summary()).startsWith("engine 'tampering-poa' failed");
    }

    @Test
    void theCommandReportsEachCheckAndExitsOneOnFailureAndTwoOnAnUnknownEngine() {
        CliRun unknown = CliRun.run("conformance", "--engine", "no-such-engine");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown engine 'no-such-engine'; available: ").contains("pos");
        assertThat(unknown.err().lines().count()).isEqualTo(1);

        CliRun badParam = CliRun.run("conformance", "--engine", "pos", "--engine-param", "slots=3");
        assertThat(badParam.exitCode()).isEqualTo(2);
        assertThat(badParam.err()).contains("engine 'pos' has no parameter 'slots'; accepted: epochLength");

        CliRun failing = CliRun.run("conformance", "--engine", TamperingEngine.NAME);
        assertThat(failing.exitCode()).isEqualTo(1);
        assertThat(failing.out()).contains("FAIL  seal-changes-only-the-seal").contains("FAIL  growth-and-convergence");
        assertThat(failing.err()).contains("engine 'tampering-poa' failed");
    }
}
