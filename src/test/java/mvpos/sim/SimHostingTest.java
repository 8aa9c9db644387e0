package mvpos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Nodes that run several validators each: fewer nodes than validators in a scenario. */
class SimHostingTest {
    private static Scenario scenario(String yaml) throws ScenarioException {
        return ScenarioReader.read(ScenarioReader.parse(yaml), "hosting");
    }

    private static final String HOSTED = """
            engine: pos
            finality: ffg
            epoch: 4
            slot: 1s
            nodes: 4
            validators: 24
            workload: {tps: 2}
            run: {slots: 48}
            """;

    @Test
    void fourNodesRunTwentyFourValidatorsWhoProposeVoteAndFinalize() throws Exception {
        Simulation simulation = new Simulation(scenario(HOSTED), 5);
        SimReport report = simulation.run((v, e, h) -> { });

        assertThat(report.violation()).isNull();
        assertThat(report.nodes()).isEqualTo(4);
        assertThat(report.validators()).isEqualTo(24);
        assertThat(report.nodesOnTheSameHead()).isEqualTo(4);
        // Finality needs two thirds of the stake voting: the first validator of each node holds a sixth.
        assertThat(report.finalizedEpoch()).isGreaterThanOrEqualTo(5);
        // Validators beyond the first four (the second and later ones of each node) proposed blocks too.
        Set<Integer> proposers = report.shares().stream().filter(s -> s.proposals() > 0)
                .map(Devnet.ValidatorShare::node).collect(Collectors.toSet());
        assertThat(proposers.stream().filter(i -> i >= 4).count()).isGreaterThan(8);
        assertThat(report.transactionsIncluded()).isPositive();
    }

    @Test
    void aHostedRunRepeatsFromItsSeed() throws Exception {
        SimReport first = new Simulation(scenario(HOSTED), 9).run((v, e, h) -> { });
        SimReport second = new Simulation(scenario(HOSTED), 9).run((v, e, h) -> { });
        assertThat(second.head()).isEqualTo(first.head());
        assertThat(second.events()).isEqualTo(first.events());
    }

    @Test
    void enginesThatCannotHostAndByzantineValidatorsNeedANodeEach() {
        for (String engine : new String[] {"pow", "bft"}) {
            assertThatThrownBy(() -> scenario("engine: " + engine + "\nnodes: 2\nvalidators: 6\n"))
                    .isInstanceOf(ScenarioException.class)
                    .hasMessageContaining("nodes")
                    .hasMessageContaining("only pos and poa run several validators on one node");
        }
        assertThatThrownBy(() -> scenario("engine: pos\nfinality: ffg\nnodes: 2\nvalidators: 6\nbyzantine: [1]\n"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("byzantine")
                .hasMessageContaining("nodes at least 6");
    }
}
