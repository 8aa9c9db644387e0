package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import mvpos.conformance.ConformanceReport;
import mvpos.conformance.ConformanceSuite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The conformance kit ({@link ConformanceSuite}) run against each engine this project ships. */
class EngineConformanceTest {

    @ParameterizedTest
    @ValueSource(strings = {"poa", "pow", "pos", "bft"})
    void everyShippedEnginePassesTheConformanceKit(String engine) {
        ConformanceReport report = ConformanceSuite.standard().run(engine, Map.of());
        assertThat(report.results()).hasSize(ConformanceSuite.standard().checks().size());
        assertThat(report.passed()).as(report.results().stream().map(ConformanceReport.Result::line)
                .collect(Collectors.joining("\n"))).isTrue();
    }
}
